package io.pigeonstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.bench.chaos.EngineProcess;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No credential reaches the logs: {@code pigeon-streams run} in its own JVM on a SASL broker, with
 * Kafka's client loggers turned up to INFO so that every client's configuration is printed, and
 * with registry credentials in the configuration and in the registry's URL.
 */
@Tag("integration")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecretsInLogsTest {

  private static final String REGISTRY_SECRET = "registry-secret-4711";
  private static final String URL_SECRET = "url-secret-0815";

  @TempDir Path tmp;

  @Test
  void shouldNotWriteTheSaslPasswordOrRegistryCredentialsToTheLog() throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.startSasl()) {
      Map<String, String> s = new HashMap<>();
      kafka
          .saslClientConfig(EmbeddedKafkaCluster.SASL_USER, EmbeddedKafkaCluster.SASL_PASSWORD)
          .forEach((k, v) -> s.put(k, v.toString()));
      s.put("application.id", "pigeon-secrets");
      s.put("pigeon.generator", "nearest-history");
      s.put("pigeon.http.port", "-1");
      s.put("pigeon.topics.partitions", "1");
      s.put("basic.auth.user.info", "registry-user:" + REGISTRY_SECRET);
      s.put("ssl.key.password", "ssl-" + REGISTRY_SECRET);
      String log;
      try (EngineProcess engine =
          new EngineProcess(
              "engine", tmp, s, List.of("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info"))) {
        engine.start();
        engine.awaitReady(Duration.ofSeconds(120));
        engine.stop(Duration.ofSeconds(30));
        log = Files.readString(engine.log(), StandardCharsets.UTF_8);
      }
      // the clients' configurations were printed (so the check below looked at them)
      assertThat(log).contains("sasl.jaas.config = [hidden]");
      assertThat(log)
          .doesNotContain(EmbeddedKafkaCluster.SASL_PASSWORD)
          .doesNotContain(REGISTRY_SECRET);
    }
  }

  @Test
  void shouldNotNameTheRegistryUrlsCredentialsWhenTheRegistryIsUnreachable() throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      unreachableRegistry(kafka.bootstrapServers());
    }
  }

  private void unreachableRegistry(String bootstrap) throws Exception {
    Map<String, String> s = new HashMap<>();
    s.put("bootstrap.servers", bootstrap);
    s.put("application.id", "pigeon-secrets-url");
    s.put("pigeon.generator", "nearest-history");
    s.put("pigeon.http.port", "-1");
    s.put("serde.format", "registry");
    s.put("schema.registry.url", "http://registry-user:" + URL_SECRET + "@127.0.0.1:9/");
    try (EngineProcess engine = new EngineProcess("engine", tmp, s, List.of())) {
      engine.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (engine.alive() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      String log = Files.readString(engine.log(), StandardCharsets.UTF_8);
      assertThat(engine.alive()).as("the engine stops when the registry is unreachable").isFalse();
      assertThat(log).contains("http://127.0.0.1:9").doesNotContain(URL_SECRET);
    }
  }
}
