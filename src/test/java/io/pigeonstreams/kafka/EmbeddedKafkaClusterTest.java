package io.pigeonstreams.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.kafka.TopicAdmin.TopicSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The transactional round trip against the in-process KRaft broker, plus its own lifecycle. */
@Tag("integration")
@Timeout(120)
class EmbeddedKafkaClusterTest extends TransactionalRoundTripScenario {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaClusterTest.class);

  static EmbeddedKafkaCluster kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafkaCluster.start();
    LOG.info("single broker started in {} ms", kafka.startupTime().toMillis());
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Override
  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  @Test
  void shouldStartOneBrokerOnLocalhost() {
    // Given the default cluster
    // Then it has one broker listening on a local port, in its own temporary directory
    assertThat(kafka.brokers()).isEqualTo(1);
    assertThat(kafka.bootstrapServers()).matches("localhost:\\d+");
    assertThat(kafka.baseDirectory()).isDirectory();
    assertThat(kafka.startupTime()).isPositive();
  }

  @Test
  void shouldRunSeveralBrokersAndDeleteItsDirectoryOnClose() {
    // Given a two-broker cluster with an extra broker setting
    EmbeddedKafkaCluster two = EmbeddedKafkaCluster.start(2, Map.of("log.retention.hours", "1"));
    try {
      assertThat(two.brokers()).isEqualTo(2);
      assertThat(two.bootstrapServers().split(",")).hasSize(2);

      // When a topic replicated on both brokers is created
      try (TopicAdmin admin = TopicAdmin.connect(two.bootstrapServers())) {
        admin.ensureTopics(List.of(TopicSpec.of("replicated", 2, 2)));

        // Then it exists with its partitions
        assertThat(admin.partitionCounts(List.of("replicated"))).containsEntry("replicated", 2);
      }
    } finally {
      two.close();
    }
    two.close(); // a second close is harmless

    // Then the cluster's temporary directory is gone
    assertThat(two.baseDirectory()).doesNotExist();
  }
}
