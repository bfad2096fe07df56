package io.pigeonstreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {

  @Test
  void shouldReportReadinessFromTheEngineState() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HealthServer server = new HealthServer(0, ready::get)) {
      HttpClient client = HttpClient.newHttpClient();
      URI uri = URI.create("http://localhost:" + server.port() + "/health/ready");
      HttpRequest request = HttpRequest.newBuilder(uri).build();
      assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(503);
      ready.set(true);
      assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
    }
  }
}
