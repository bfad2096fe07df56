package io.pigeonstreams.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.kafka.TopicAdmin.TopicSpec;
import io.pigeonstreams.topology.Batching;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's wiring, batching policy and topic plan, without a broker. */
class PigeonEngineTest {

  private static EngineConfig config(Map<String, String> overrides) {
    Map<String, String> m = new java.util.HashMap<>(Map.of("bootstrap.servers", "localhost:9"));
    m.putAll(overrides);
    return EngineConfig.of(m);
  }

  @Test
  void shouldWireTheTopologyThatIsCheckedIn() throws Exception {
    // Given the engine over the retrieval components and the default configuration
    try (PigeonEngine engine = new PigeonEngine(config(Map.of()), EngineComponents.retrieval())) {
      // Then its topology is the one topology/topology.txt describes
      assertThat(engine.topology().describe().toString())
          .isEqualTo(Files.readString(Path.of("topology", "topology.txt"), StandardCharsets.UTF_8));
    }
  }

  @Test
  void shouldCapABatchInImagesThatFitAQuarterOfTheTransactionTimeout() {
    // Given a generator measured at 5 ms per image, B = 32 and 3 partitions on one thread
    ImageGenerator fiveMsPerImage =
        new ImageGenerator() {
          @Override
          public String modelVersion() {
            return "test";
          }

          @Override
          public List<Candidate> generate(GenerationContext context) {
            throw new UnsupportedOperationException("only warmed up here");
          }

          @Override
          public double warmUp(int maxRows) {
            return 5.0;
          }
        };

    // When the policy sizes the micro-batch
    Batching batching = BatchingPolicy.of(config(Map.of()), fiveMsPerImage);

    // Then the budget is 10 s / 4 shared by 2 flushes x 3 tasks, and a batch holds what fits at
    // twice the measured time per image
    assertThat(batching.budget()).isEqualTo(Duration.ofMillis(10_000 / 4 / 6));
    assertThat(batching.maxImages()).isEqualTo(41);
    assertThat(batching.maxRequests()).isEqualTo(32);
    assertThat(batching.maxDelay()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void shouldPlanCompactedTablesAndADeadLetterTopicPerInput() {
    // Given the engine's topics at 3 partitions
    try (PigeonEngine engine = new PigeonEngine(config(Map.of()), EngineComponents.retrieval())) {
      // Then items, catalog and model-updates are compacted, every input has its -dlq, all have
      // 3 partitions but model-updates (1: every instance reads the announcements in order)
      Map<String, TopicSpec> specs =
          engine.topicSpecs().stream()
              .collect(java.util.stream.Collectors.toMap(TopicSpec::name, s -> s));
      assertThat(specs.get("items").configs()).containsEntry("cleanup.policy", "compact");
      assertThat(specs.get("catalog").configs()).containsEntry("cleanup.policy", "compact");
      assertThat(specs.get("model-updates").configs()).containsEntry("cleanup.policy", "compact");
      assertThat(specs.get("interactions").configs()).isEmpty();
      assertThat(specs)
          .containsKeys(
              "items-dlq",
              "catalog-dlq",
              "interactions-dlq",
              "generation-requests-dlq",
              "feedback-labels");
      assertThat(specs.get("model-updates").partitions()).isEqualTo(1);
      assertThat(specs.values())
          .filteredOn(s -> !s.name().equals("model-updates"))
          .allSatisfy(s -> assertThat(s.partitions()).isEqualTo(3));
    }
  }
}
