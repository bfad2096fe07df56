package io.pigeonstreams.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Registry mode against Confluent's own Schema Registry in a container beside a Kafka container:
 * the same check as {@link RegistryModeTest} with the in-test registry. Skipped where no Docker
 * engine runs.
 */
@Tag("integration")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@Testcontainers(disabledWithoutDocker = true)
class RegistryOnContainersTest {

  static final Network NETWORK = Network.newNetwork();

  @Container
  static final KafkaContainer KAFKA =
      new KafkaContainer("apache/kafka:4.1.0").withNetwork(NETWORK).withListener("kafka:19092");

  @Container
  static final GenericContainer<?> REGISTRY =
      new GenericContainer<>("confluentinc/cp-schema-registry:7.9.0")
          .withNetwork(NETWORK)
          .dependsOn(KAFKA)
          .withExposedPorts(8081)
          .withEnv("SCHEMA_REGISTRY_HOST_NAME", "registry")
          .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
          .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
          .waitingFor(Wait.forHttp("/subjects").forStatusCode(200))
          .withStartupTimeout(Duration.ofMinutes(2));

  @Test
  void shouldAnswerInTheWireFormatConfluentsRegistryDescribes(@TempDir Path state)
      throws Exception {
    RegistryModeTest.answerAndDecode(
        KAFKA.getBootstrapServers(),
        "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081),
        state);
  }
}
