package io.pigeonstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.bench.chaos.EngineProcess;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.topology.PigeonTopology;
import io.pigeonstreams.topology.Topic;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.TopicProducer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once under hard crashes: the engine runs as {@code pigeon-streams run} in a separate JVM
 * (the real Pigeon model, a real KRaft broker in this JVM) and is killed with SIGKILL once a few of
 * each wave's answers are committed (usually with requests in flight and a batch open; how many
 * depends on the machine's speed, so that is reported, not asserted), then restarted on the same
 * state directory and application id. Whatever the timing, every request must have exactly one
 * committed answer and every preference pair exactly one committed copy: nothing lost, nothing
 * duplicated by the replay after a crash.
 */
@Tag("integration")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class EngineCrashTest {

  /** Requests per wave; one wave after each (re)start, so waves = kills + 1. */
  private static final int WAVE = 30;

  private static final int KILLS = 3;
  private static final int REQUESTS = WAVE * (KILLS + 1);

  /** Kill once this many answers of the backlog after a (re)start are committed. */
  private static final int[] KILL_AFTER_NEW_ANSWERS = {5, 12, 2};

  /** Candidates per request, cycled: a mix of single answers and sweeps with a preference pair. */
  private static final int[] CANDIDATES = {1, 3, 1, 2, 1};

  private static final int USERS = 8;
  private static final int HISTORY = 5;
  private static final List<String> HISTORY_STYLES = StickerDataset.STYLES.subList(0, 4);
  private static final String REFERENCE_STYLE = StickerDataset.STYLES.get(4);
  private static final int EMOJI_PER_STYLE = 6;
  private static final int REFERENCES = 6;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration QUIET = Duration.ofSeconds(5);

  @TempDir Path tmp;

  private EmbeddedKafkaCluster kafka;
  private final Topics topics = new Topics(EngineConfig.of(Map.of()).asMap());
  private volatile EngineProcess engine;
  private AnswerMonitor monitor;

  /** Should this JVM exit before {@link #tearDown()}, the engine's JVM must not outlive it. */
  private final Thread killEngineOnExit =
      new Thread(
          () -> {
            EngineProcess p = engine;
            if (p != null) {
              try {
                p.kill();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          },
          "kill-engine-on-exit");

  @BeforeEach
  void registerExitHook() {
    Runtime.getRuntime().addShutdownHook(killEngineOnExit);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    try {
      destroyEngine();
    } finally {
      Runtime.getRuntime().removeShutdownHook(killEngineOnExit);
      try {
        if (monitor != null) {
          monitor.close();
        }
      } finally {
        if (kafka != null) {
          kafka.close();
        }
      }
    }
  }

  @Test
  void shouldAnswerEveryRequestExactlyOnceAcrossHardKills() throws Exception {
    long t0 = System.nanoTime();
    try {
      kafka = EmbeddedKafkaCluster.start();
      String applicationId = "pigeon-crash-" + UUID.randomUUID();
      engine = engineProcess(applicationId);

      // Given the engine in its own JVM, a catalog and users with a history of five likes
      startEngine();
      awaitTopics();
      monitor = new AnswerMonitor(kafka.bootstrapServers(), topics.generated);
      List<GenerationRequest> requests = requests();
      try (TopicProducer producer = TopicProducer.connect(kafka.bootstrapServers(), 5)) {
        seed(producer);
        awaitSeeded(applicationId);

        // When requests arrive in waves and the engine is SIGKILLed in the middle of each backlog
        int produced = 0;
        for (int wave = 0; wave <= KILLS; wave++) {
          List<GenerationRequest> batch = requests.subList(wave * WAVE, (wave + 1) * WAVE);
          for (GenerationRequest r : batch) {
            producer.send(topics.requests, r.getUserId(), r);
          }
          producer.flush();
          produced += batch.size();
          if (wave == KILLS) {
            break; // the last (re)start is left to finish
          }
          int before = monitor.answered();
          int killAt = before + KILL_AFTER_NEW_ANSWERS[wave];
          awaitAnswers(
              killAt, "answers " + (before + 1) + ".." + killAt + " before kill " + (wave + 1));
          destroyEngine();
          // how many are still pending now depends on the machine's speed (a fast one may have
          // answered the whole wave): reported, not asserted; what must hold whatever the timing
          // is checked at the end
          int committed = monitor.answered();
          System.out.printf(
              "[EngineCrashTest] kill %d (SIGKILL) at %.1f s: %d requests produced, %d answered,"
                  + " %d pending%n",
              wave + 1, seconds(t0), produced, committed, produced - committed);
          startEngine();
        }
      }

      // Then the engine was killed and restarted each time
      assertThat(engine.starts()).as("engine JVMs started").isEqualTo(KILLS + 1);
      // And every request has exactly one committed answer, with nothing extra arriving later
      List<GeneratedImage> answers =
          CommittedReader.read(
              kafka.bootstrapServers(),
              topics.generated.name(),
              topics.generated.valueSerde().deserializer(),
              REQUESTS,
              ANSWER_TIMEOUT,
              QUIET);
      Map<String, Long> answersPerRequest =
          answers.stream()
              .collect(
                  Collectors.groupingBy(
                      GeneratedImage::getRequestId, TreeMap::new, Collectors.counting()));
      assertThat(duplicates(answersPerRequest)).as("requests answered more than once").isEmpty();
      assertThat(answersPerRequest.keySet())
          .as("requests answered")
          .containsExactlyInAnyOrderElementsOf(
              requests.stream().map(GenerationRequest::getRequestId).toList());
      assertThat(answers).hasSize(REQUESTS);
      // real generations, with the user's history: none rejected or cold
      assertThat(answers).allSatisfy(a -> assertThat(a.getStatus()).isEqualTo(Status.OK));

      // And every sweep's preference pair is committed exactly once
      Set<String> sweeps =
          requests.stream()
              .filter(r -> r.getCandidates() > 1)
              .map(GenerationRequest::getRequestId)
              .collect(Collectors.toSet());
      List<PreferencePair> pairs =
          CommittedReader.read(
              kafka.bootstrapServers(),
              topics.pairs.name(),
              topics.pairs.valueSerde().deserializer(),
              sweeps.size(),
              Duration.ofSeconds(30),
              Duration.ofSeconds(2));
      Map<String, Long> copiesPerPair =
          pairs.stream()
              .collect(
                  Collectors.groupingBy(
                      PreferencePair::getPairId, TreeMap::new, Collectors.counting()));
      assertThat(duplicates(copiesPerPair)).as("preference pairs committed twice").isEmpty();
      assertThat(pairs.stream().map(PreferencePair::getRequestId))
          .containsExactlyInAnyOrderElementsOf(sweeps);
      System.out.printf(
          "[EngineCrashTest] %d requests in %d waves, %d answers and %d pairs committed exactly"
              + " once, %d engine JVMs, %.1f s%n",
          REQUESTS, KILLS + 1, answers.size(), pairs.size(), engine.starts(), seconds(t0));
    } catch (Throwable e) {
      printLogTails();
      throw e;
    }
  }

  // --- the engine's JVM ----------------------------------------------------------------------

  private EngineProcess engineProcess(String applicationId) throws IOException {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("application.id", applicationId);
    p.put("processing.guarantee", "exactly_once_v2");
    // a SIGKILLed member never leaves the group: the restarted one waits for its session to expire
    p.put("session.timeout.ms", "6000");
    p.put("heartbeat.interval.ms", "1500");
    p.put("pigeon.http.port", "-1");
    p.put("pigeon.generator", "pigeon");
    p.put("pigeon.model.dir", Path.of("models", "pigeon").toAbsolutePath().toString());
    p.put("pigeon.batch.max.requests", "8");
    p.put("pigeon.batch.max.delay.ms", "300");
    return new EngineProcess("engine", tmp, p, List.of("-Xmx1g"));
  }

  /** {@code pigeon-streams run} in a fresh JVM on the same state directory. */
  private void startEngine() throws IOException {
    engine.start();
  }

  /** SIGKILL: no shutdown hook, no close, no commit. */
  private void destroyEngine() throws InterruptedException {
    if (engine != null) {
      engine.kill();
    }
  }

  private void requireEngineAlive() {
    if (engine != null && engine.starts() > 0 && !engine.alive()) {
      throw new AssertionError("the engine JVM exited on its own (see " + engine.log() + ")");
    }
  }

  private void printLogTails() {
    for (Path log : engine == null ? List.<Path>of() : engine.logs()) {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        System.err.printf("----- %s (last 60 of %d lines) -----%n", log, lines.size());
        lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.err::println);
      } catch (IOException e) {
        System.err.println("cannot read " + log + ": " + e);
      }
    }
  }

  // --- input ---------------------------------------------------------------------------------

  private static String historyItem(int user, int j) {
    return HISTORY_STYLES.get(user % HISTORY_STYLES.size()) + "/" + ((user + j) % EMOJI_PER_STYLE);
  }

  private static String referenceItem(int i) {
    return REFERENCE_STYLE + "/" + (EMOJI_PER_STYLE + i % REFERENCES);
  }

  /** The catalog (history items in four styles, references in the fifth) and the users' likes. */
  private void seed(TopicProducer producer) {
    StickerDataset ds = TestData.dataset();
    for (int s = 0; s < HISTORY_STYLES.size(); s++) {
      for (int e = 0; e < EMOJI_PER_STYLE; e++) {
        String id = HISTORY_STYLES.get(s) + "/" + e;
        producer.send(topics.items, id, EngineScenario.item(id, ds.image(e, s)));
      }
    }
    for (int i = 0; i < REFERENCES; i++) {
      String id = referenceItem(i);
      producer.send(topics.items, id, EngineScenario.item(id, ds.image(EMOJI_PER_STYLE + i, 4)));
    }
    for (int u = 0; u < USERS; u++) {
      for (int j = 0; j < HISTORY; j++) {
        producer.send(
            topics.interactions,
            "u" + u,
            Records.interaction("u" + u, historyItem(u, j), Action.LIKE, j));
      }
    }
    producer.flush();
  }

  private static List<GenerationRequest> requests() {
    List<GenerationRequest> out = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      out.add(
          Records.request(String.format("r-%03d", i), "u" + (i % USERS), referenceItem(i))
              .setCandidates(CANDIDATES[i % CANDIDATES.length])
              .build());
    }
    return out;
  }

  // --- waiting -------------------------------------------------------------------------------

  /** The engine creates its topics at start; the test produces only once they exist. */
  private void awaitTopics() throws Exception {
    Set<String> needed =
        topics.all().stream().map(Topic::name).collect(Collectors.toCollection(HashSet::new));
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (!admin.listTopics().names().get(10, TimeUnit.SECONDS).containsAll(needed)) {
        requireEngineAlive();
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the engine did not create its topics within " + START_TIMEOUT);
        }
        Thread.sleep(200);
      }
    }
  }

  /** The whole catalog tokenized and every user's history built, as committed by the engine. */
  private void awaitSeeded(String applicationId) {
    int items = HISTORY_STYLES.size() * EMOJI_PER_STYLE + REFERENCES;
    awaitTable(
        topics.catalog.name(),
        topics.catalog.valueSerde().deserializer(),
        table -> table.size() == items,
        "the catalog's " + items + " entries");
    awaitTable(
        applicationId + "-" + PigeonTopology.HISTORY_STORE + "-changelog",
        topics.historySerde.deserializer(),
        table ->
            table.size() == USERS
                && table.values().stream()
                    .allMatch(h -> h != null && h.getPositives().size() == HISTORY),
        "the histories of " + USERS + " users");
  }

  /** Reads a topic as a table (latest value per key, read_committed) until {@code done}. */
  private <V> void awaitTable(
      String topic, Deserializer<V> values, Predicate<Map<String, V>> done, String what) {
    Map<String, V> table = new HashMap<>();
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(
            readCommitted(kafka.bootstrapServers()), new StringDeserializer(), values)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (!done.test(table)) {
        requireEngineAlive();
        if (System.nanoTime() > deadline) {
          throw new AssertionError("timed out waiting for " + what + " on " + topic);
        }
        for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
          table.put(r.key(), r.value());
        }
      }
    }
  }

  private void awaitAnswers(int count, String what) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (monitor.answered() < count) {
      requireEngineAlive();
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out waiting for " + what + "; " + monitor.answered() + " answered");
      }
      Thread.sleep(20);
    }
  }

  private static Properties readCommitted(String bootstrapServers) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "pigeon-crash-test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return p;
  }

  private static Map<String, Long> duplicates(Map<String, Long> counts) {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach(
        (k, n) -> {
          if (n > 1) {
            out.put(k, n);
          }
        });
    return out;
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Follows the committed answers in the background, to time the kills. */
  private static final class AnswerMonitor implements AutoCloseable {

    private final Map<String, Integer> seen = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, GeneratedImage> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    AnswerMonitor(String bootstrapServers, Topic<String, GeneratedImage> topic) {
      consumer =
          new KafkaConsumer<>(
              readCommitted(bootstrapServers),
              new StringDeserializer(),
              topic.valueSerde().deserializer());
      consumer.subscribe(List.of(topic.name()));
      thread = new Thread(this::run, "answer-monitor");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      try {
        while (running) {
          for (ConsumerRecord<String, GeneratedImage> r : consumer.poll(Duration.ofMillis(100))) {
            seen.merge(r.value().getRequestId(), 1, Integer::sum);
          }
        }
      } catch (WakeupException stopping) {
        // closing
      } finally {
        consumer.close(Duration.ZERO);
      }
    }

    /** Requests with at least one committed answer so far. */
    int answered() {
      return seen.size();
    }

    @Override
    public void close() {
      running = false;
      consumer.wakeup();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
