package io.pigeonstreams.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigeonstreams.kafka.TopicAdmin.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("integration")
@Timeout(120)
class TopicAdminTest {

  static EmbeddedKafkaCluster kafka;
  static TopicAdmin admin;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafkaCluster.start();
    admin = TopicAdmin.connect(kafka.bootstrapServers());
  }

  @AfterAll
  static void stopBroker() {
    if (admin != null) {
      admin.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void shouldCreateMissingTopicsAndLeaveExistingOnesWhenCalledTwice() {
    // Given two topic specs, one with a topic-level setting
    List<TopicSpec> specs =
        List.of(
            TopicSpec.of("ensure-a", 3, 1),
            new TopicSpec("ensure-b", 2, (short) 1, Map.of("cleanup.policy", "compact")));

    // When they are ensured twice, the second time also with a different partition count
    admin.ensureTopics(specs);
    assertThatCode(() -> admin.ensureTopics(specs)).doesNotThrowAnyException();
    admin.ensureTopics(List.of(TopicSpec.of("ensure-a", 6, 1)));

    // Then both exist with the partition counts of their first creation
    assertThat(admin.partitionCounts(List.of("ensure-a", "ensure-b")))
        .containsExactly(Map.entry("ensure-a", 3), Map.entry("ensure-b", 2));
  }

  @Test
  void shouldPassTheCopartitioningCheckForEqualPartitionCounts() {
    // Given two topics with six partitions each
    admin.ensureTopics(List.of(TopicSpec.of("equal-a", 6, 1), TopicSpec.of("equal-b", 6, 1)));

    // When / Then the check passes
    assertThatCode(() -> admin.requireCopartitioned("equal-a", "equal-b"))
        .doesNotThrowAnyException();
  }

  @Test
  void shouldNameBothPartitionCountsWhenTopicsAreNotCopartitioned() {
    // Given requests with six partitions and interactions with three
    admin.ensureTopics(
        List.of(TopicSpec.of("generation-requests", 6, 1), TopicSpec.of("interactions", 3, 1)));

    // When the check runs, with and without the reason
    // Then it says which topic has how many partitions, why it matters and how to fix it
    assertThatThrownBy(
            () ->
                admin.requireCopartitioned(
                    "requests are joined with per-user history, keyed by user id",
                    List.of("generation-requests", "interactions")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "topics generation-requests (6 partitions) and interactions (3 partitions) must have"
                + " the same number of partitions: requests are joined with per-user history,"
                + " keyed by user id; recreate one of them or add partitions"
                + " (kafka-topics --alter --topic interactions --partitions 6)");
    assertThatThrownBy(() -> admin.requireCopartitioned("generation-requests", "interactions"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("generation-requests (6 partitions)")
        .hasMessageContaining("interactions (3 partitions)");
  }

  @Test
  void shouldSayWhichTopicIsMissing() {
    // Given one existing topic and one that was never created
    admin.ensureTopics(List.of(TopicSpec.of("present", 1, 1)));

    // When / Then the check names the missing topic and how to get it
    assertThatThrownBy(() -> admin.requireCopartitioned("present", "absent"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("topic absent does not exist; create it or set topics.create=true");
    assertThatThrownBy(() -> admin.partitionCounts(List.of("absent", "gone")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("topics absent and gone do not exist; create them or set topics.create=true");
  }

  @Test
  void shouldReportAnUnreachableBrokerWithinTheTimeout() {
    // Given an admin pointed at a port nobody listens on, with a short timeout
    try (TopicAdmin nowhere = TopicAdmin.connect("localhost:1", Duration.ofSeconds(2))) {

      // When / Then creating topics fails with a message, not a hang
      assertThatThrownBy(() -> nowhere.ensureTopics(List.of(TopicSpec.of("t", 1, 1))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("timed out after 2 s creating topic t on Kafka at localhost:1");
    }
  }

  @Test
  void shouldRejectInvalidTopicSpecs() {
    // Given / When / Then specs Kafka would reject are refused up front, with the topic name
    assertThatThrownBy(() -> TopicSpec.of("zero", 0, 1)).hasMessageContaining("zero");
    assertThatThrownBy(() -> TopicSpec.of("no-replicas", 1, 0)).hasMessageContaining("no-replicas");
    assertThat(TopicSpec.of("broker-default", 1, -1).replicationFactor()).isEqualTo((short) -1);
  }
}
