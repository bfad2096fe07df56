package io.pigeonstreams.e2e;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.kafka.TopicAdmin;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CopartitioningTest {

  @Test
  void shouldRefuseToStartWhenRequestsAndInteractionsAreNotCopartitioned() throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      // Given requests with 2 partitions and interactions with 3, created by someone else
      try (TopicAdmin admin = TopicAdmin.connect(kafka.bootstrapServers())) {
        admin.ensureTopics(
            List.of(
                TopicAdmin.TopicSpec.of("generation-requests", 2, 1),
                TopicAdmin.TopicSpec.of("interactions", 3, 1)));
      }
      EngineConfig config =
          EngineConfig.of(
              Map.of(
                  "bootstrap.servers", kafka.bootstrapServers(),
                  "state.dir", Files.createTempDirectory("pigeon-copart").toString()));
      PigeonEngine engine = new PigeonEngine(config, EngineComponents.retrieval());

      // When it starts, Then it refuses with the counts and the fix
      assertThatThrownBy(engine::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("generation-requests (2 partitions)")
          .hasMessageContaining("interactions (3 partitions)")
          .hasMessageContaining("--partitions");
      engine.close();
    }
  }
}
