package io.pigeonstreams.engine;

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

  @Test
  void shouldServeTheEnginesMetricsInPrometheusFormat() throws Exception {
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    io.pigeonstreams.metrics.EngineMetrics metrics =
        new io.pigeonstreams.metrics.EngineMetrics(registry);
    metrics.batch(8, 88, java.time.Duration.ofMillis(250));
    metrics.output("OK", "pigeon@abc");
    try (HealthServer server = new HealthServer(0, () -> true, registry::scrape)) {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://localhost:" + server.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(response.body())
          .contains("pigeon_batch_requests_sum 8.0")
          .contains("pigeon_batch_images_sum 88.0")
          .contains("pigeon_inference_seconds_sum 0.25")
          .contains("pigeon_outputs_total{model_version=\"pigeon@abc\",status=\"OK\"} 1.0");
    }
  }

  @Test
  void shouldListenOnLoopbackOnlyAndAnswerReadsOnly() throws Exception {
    try (HealthServer server = new HealthServer(0, () -> true)) {
      // not reachable from another machine unless pigeon.health.host says so
      java.net.InetSocketAddress bound = server.address();
      assertThat(bound.getAddress().isLoopbackAddress()).as(bound.toString()).isTrue();
      // a POST announcing a 1 GiB body and sending none: answered 405 without waiting for it
      // (a raw socket: a client that sends the body races the server closing on unread data)
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
        socket.setSoTimeout(10_000);
        socket
            .getOutputStream()
            .write(
                ("POST /health/ready HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1073741824"
                        + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        java.io.BufferedReader in =
            new java.io.BufferedReader(
                new java.io.InputStreamReader(
                    socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(in.readLine()).startsWith("HTTP/1.1 405");
        java.util.List<String> headers = new java.util.ArrayList<>();
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
          headers.add(line.toLowerCase(java.util.Locale.ROOT));
        }
        assertThat(headers).contains("allow: get, head");
      }
    }
  }
}
