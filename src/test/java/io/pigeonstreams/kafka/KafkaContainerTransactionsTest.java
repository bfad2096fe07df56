package io.pigeonstreams.kafka;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same transactional round trip against the official Apache Kafka image, to catch any
 * difference between the in-process broker and a real one. Skipped where there is no Docker.
 */
@Tag("integration")
@Timeout(120)
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerTransactionsTest extends TransactionalRoundTripScenario {

  @Container static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

  @Override
  String bootstrapServers() {
    return KAFKA.getBootstrapServers();
  }
}
