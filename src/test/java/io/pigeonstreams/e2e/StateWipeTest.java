package io.pigeonstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Directories;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.TopicProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State lost while an instance is down: its state directory is wiped, and on restart it restores
 * every store from its changelog — the users' histories as they were, and requests that were
 * pending (taken in, not yet answered) still pending — and answers each of those exactly once.
 */
class StateWipeTest {

  private static EngineConfig config(EmbeddedKafkaCluster kafka, Path state, long delayMs) {
    return EngineConfig.of(
        Map.of(
            "bootstrap.servers",
            kafka.bootstrapServers(),
            "application.id",
            "pigeon-state-wipe",
            "state.dir",
            state.toString(),
            "pigeon.topics.partitions",
            "2",
            "pigeon.batch.max.requests",
            "1000",
            "pigeon.batch.max.delay.ms",
            Long.toString(delayMs)));
  }

  @Test
  void shouldRestoreHistoriesAndPendingRequestsFromTheChangelogsAfterAWipe(@TempDir Path dir)
      throws Exception {
    Path state = dir.resolve("state");
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      Map<String, UserHistory> before = new HashMap<>();
      Topics topics;
      // Given an instance that took in histories and 8 requests it has not answered yet (its
      // micro-batch waits up to 10 minutes for more)
      try (PigeonEngine engine =
              new PigeonEngine(config(kafka, state, 600_000), EngineComponents.retrieval());
          TopicProducer producer = TopicProducer.connect(kafka.bootstrapServers(), 5)) {
        engine.start();
        assertThat(engine.awaitReady(Duration.ofSeconds(60))).isTrue();
        topics = engine.topics();
        TinyCatalog.load(engine, producer, 4);
        for (int u = 0; u < 8; u++) {
          for (int e = 0; e < 3; e++) {
            producer.send(
                topics.interactions,
                "u" + u,
                Records.interaction("u" + u, "google/" + ((u + e) % 3), Action.LIKE, 10 + e));
          }
          producer.send(
              topics.requests, "u" + u, Records.request("r" + u, "u" + u, "google/3").build());
        }
        producer.flush();
        Await.until(
            () -> {
              for (int u = 0; u < 8; u++) {
                UserHistory h = engine.historyStore().get("u" + u);
                if (h == null || h.getPositives().size() < 3) {
                  return false;
                }
              }
              return true;
            },
            "histories",
            Duration.ofSeconds(60));
        for (int u = 0; u < 8; u++) {
          before.put("u" + u, engine.historyStore().get("u" + u));
        }
        Thread.sleep(1000); // the requests taken in and committed as pending
        assertThat(
                CommittedReader.read(
                    kafka.bootstrapServers(),
                    topics.generated.name(),
                    topics.generated.valueSerde().deserializer(),
                    0,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1)))
            .as("nothing answered before the wipe")
            .isEmpty();
      }

      // When its state directory is lost while it is down
      Directories.deleteRecursively(state);
      assertThat(Files.exists(state)).isFalse();

      // Then the restarted instance restores both and answers every pending request once
      try (PigeonEngine engine =
          new PigeonEngine(config(kafka, state, 50), EngineComponents.retrieval())) {
        engine.start();
        assertThat(engine.awaitReady(Duration.ofSeconds(120))).isTrue();
        for (int u = 0; u < 8; u++) {
          assertThat(engine.historyStore().get("u" + u)).isEqualTo(before.get("u" + u));
        }
        List<GeneratedImage> answers =
            CommittedReader.read(
                kafka.bootstrapServers(),
                topics.generated.name(),
                topics.generated.valueSerde().deserializer(),
                8,
                Duration.ofSeconds(60),
                Duration.ofSeconds(2));
        assertThat(answers)
            .extracting(GeneratedImage::getRequestId)
            .containsExactlyInAnyOrder("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7");
        assertThat(answers).allSatisfy(g -> assertThat(g.getHistoryItemIds()).hasSize(3));
      }
    }
  }
}
