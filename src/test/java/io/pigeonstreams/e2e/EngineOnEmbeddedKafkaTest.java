package io.pigeonstreams.e2e;

import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/** The end-to-end scenario on a real Kafka broker started in-process (KRaft). */
@Tag("integration")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EngineOnEmbeddedKafkaTest extends EngineScenario {

  static EmbeddedKafkaCluster kafka;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafkaCluster.start();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @Override
  protected String bootstrapServers() {
    return kafka.bootstrapServers();
  }
}
