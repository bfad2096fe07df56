package io.pigeonstreams.e2e;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/** The same scenario on a Kafka container; skipped where no Docker engine runs. */
@Tag("integration")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@Testcontainers(disabledWithoutDocker = true)
class EngineOnKafkaContainerTest extends EngineScenario {

  @Container static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

  @Override
  protected String bootstrapServers() {
    return KAFKA.getBootstrapServers();
  }
}
