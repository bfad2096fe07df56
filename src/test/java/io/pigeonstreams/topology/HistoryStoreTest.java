package io.pigeonstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.e2e.Await;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.personalize.History;
import io.pigeonstreams.personalize.HistoryPolicy;
import io.pigeonstreams.workload.Directories;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.TopicProducer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code user-history} store keeps histories decoded in memory and writes them below only when
 * evicted or at a commit. On a real broker, with exactly-once, room for 3 users per task and
 * commits a minute apart (so that changed histories are evicted before any commit), every user's
 * history is the one {@link HistoryPolicy} gives when applied to the stored record at each
 * interaction, as the engine did before the store kept them in memory:
 *
 * <ul>
 *   <li>seen by interactive queries while the engine runs;
 *   <li>in the changelog, read_committed, after the engine stopped;
 *   <li>restored from the changelog after the state directory is wiped, and still right after more
 *       interactions read the restored records.
 * </ul>
 */
class HistoryStoreTest {

  private static final int USERS = 40;
  private static final int ITEMS = 25;
  private static final Action[] ACTIONS = {
    Action.VIEW, Action.CLICK, Action.LIKE, Action.SHARE, Action.SAVE, Action.DISLIKE, Action.SKIP
  };

  private final HistoryPolicy policy = new HistoryPolicy(5);
  private final Map<String, UserHistory> expected = new HashMap<>();
  private final Random random = new Random(7);
  private long clock = 1_780_000_000_000L;

  private static EngineConfig config(EmbeddedKafkaCluster kafka, Path state) {
    return EngineConfig.of(
        Map.of(
            "bootstrap.servers",
            kafka.bootstrapServers(),
            "application.id",
            "pigeon-history-store",
            "state.dir",
            state.toString(),
            "pigeon.topics.partitions",
            "2",
            "pigeon.history.cache.users",
            "3",
            "commit.interval.ms",
            "60000",
            "producer.transaction.timeout.ms",
            "120000"));
  }

  @Test
  void shouldKeepTheHistoriesThePolicyGivesThroughEvictionCommitAndRestore(@TempDir Path dir)
      throws Exception {
    Path state = dir.resolve("state");
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      Topics topics;
      // Given 1,200 interactions of 40 users, in random order, with room for 3 users per task
      try (PigeonEngine engine =
              new PigeonEngine(config(kafka, state), EngineComponents.retrieval());
          TopicProducer producer = TopicProducer.connect(kafka.bootstrapServers(), 5)) {
        engine.start();
        assertThat(engine.awaitReady(Duration.ofSeconds(60))).isTrue();
        topics = engine.topics();
        send(producer, topics, 1_200);

        // Then interactive queries see every history as the policy gives it
        awaitHistories(engine, "histories as queried");
      }

      // And the changelog holds them after the engine stopped (no commit came before its close)
      Map<String, UserHistory> changelog = new HashMap<>();
      for (ConsumerRecord<String, UserHistory> r :
          CommittedReader.readToEnd(
              kafka.bootstrapServers(),
              "pigeon-history-store-" + PigeonTopology.HISTORY_STORE + "-changelog",
              topics.historySerde.deserializer(),
              null)) {
        changelog.put(r.key(), r.value());
      }
      assertThat(changelog).isEqualTo(expected);

      // When the state directory is lost, and more interactions come after the restart
      Directories.deleteRecursively(state);
      try (PigeonEngine engine =
              new PigeonEngine(config(kafka, state), EngineComponents.retrieval());
          TopicProducer producer = TopicProducer.connect(kafka.bootstrapServers(), 5)) {
        engine.start();
        assertThat(engine.awaitReady(Duration.ofSeconds(120))).isTrue();
        awaitHistories(engine, "restored histories");
        send(producer, topics, 400);

        // Then they are restored, and the new interactions apply to the restored records
        awaitHistories(engine, "histories after the restart");
      }
    }
  }

  /** Sends {@code n} random interactions and applies each to {@link #expected}. */
  private void send(TopicProducer producer, Topics topics, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      String user = "u" + random.nextInt(USERS);
      // timestamps mostly rising, sometimes late: the policy orders by time
      clock += random.nextInt(10) < 8 ? 1_000 : -5_000;
      Interaction event =
          Records.interaction(
              user,
              "google/" + random.nextInt(ITEMS),
              ACTIONS[random.nextInt(ACTIONS.length)],
              clock);
      producer.send(topics.interactions, user, event);
      History before = AvroMapping.history(expected.get(user));
      expected.put(
          user, AvroMapping.userHistory(policy.apply(before, AvroMapping.historyItem(event))));
    }
    producer.flush();
    TimeUnit.MILLISECONDS.sleep(100);
  }

  /** Waits until the engine's histories are the expected ones, then says how they differ. */
  private void awaitHistories(PigeonEngine engine, String what) throws InterruptedException {
    try {
      Await.until(() -> queried(engine).equals(expected), what, Duration.ofSeconds(60));
    } catch (AssertionError timedOut) {
      Map<String, UserHistory> got = queried(engine);
      for (String user : expected.keySet()) {
        assertThat(got.get(user)).as("%s: %s", what, user).isEqualTo(expected.get(user));
      }
      throw timedOut;
    }
  }

  private static Map<String, UserHistory> queried(PigeonEngine engine) {
    Map<String, UserHistory> out = new HashMap<>();
    try (var it = engine.historyStore().all()) {
      it.forEachRemaining(kv -> out.put(kv.key, kv.value));
    }
    return out;
  }
}
