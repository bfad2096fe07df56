package io.pigeonstreams.bench.chaos;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.topology.Topic;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.CommittedOffsets;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.StickerCatalog;
import io.pigeonstreams.workload.TopicProducer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * What every chaos scenario stands on: a KRaft cluster in this JVM (three brokers: replication 3,
 * {@code min.insync.replicas} 2), engines in JVMs of their own, a small catalog and users with a
 * history, an open-loop load and the ledger of committed answers.
 */
final class ChaosHarness implements AutoCloseable {

  /** Emoji in the catalog (in every style): enough for distinct histories and references. */
  private static final int EMOJI = 12;

  private static final int HISTORY = 5;
  static final Duration READY = Duration.ofSeconds(120);
  static final Duration DRAIN = Duration.ofMinutes(10);
  private static final Duration QUIET = Duration.ofSeconds(5);

  final ChaosSettings settings;
  final EmbeddedKafkaCluster kafka;
  final Topics topics = new Topics(EngineConfig.of(Map.of()).asMap());
  final String applicationId = "pigeon-chaos-" + UUID.randomUUID().toString().substring(0, 8);
  final List<EngineProcess> engines = new ArrayList<>();
  final List<String> users = new ArrayList<>();
  final List<String> references = new ArrayList<>();
  private final StickerDataset dataset;
  private final PrintWriter console;
  private final TopicProducer producer;
  private final AnswerLedger ledger;
  private final long t0 = System.nanoTime();
  private final String run;

  /**
   * @param run this run's name within the scenario (a scenario may run more than one harness)
   */
  ChaosHarness(
      ChaosSettings settings,
      String run,
      int brokers,
      StickerDataset dataset,
      PrintWriter console) {
    this.settings = settings;
    this.run = run;
    this.dataset = dataset;
    this.console = console;
    Map<String, String> brokerProps = new HashMap<>();
    if (brokers >= 3) {
      brokerProps.put("min.insync.replicas", "2");
    }
    this.kafka = EmbeddedKafkaCluster.start(brokers, brokerProps);
    this.producer = TopicProducer.connect(kafka.bootstrapServers(), 1);
    this.ledger = new AnswerLedger(kafka.bootstrapServers(), topics.generated);
  }

  /**
   * An engine of this application, not started yet; {@code extra} on top of the common settings.
   */
  EngineProcess engine(String name, Map<String, String> extra) throws IOException {
    int replicas = Math.min(3, kafka.brokers());
    Path parent = settings.out().resolve(run);
    Path dir = parent.resolve(name);
    Map<String, String> s = new LinkedHashMap<>();
    s.put("bootstrap.servers", kafka.bootstrapServers());
    s.put("application.id", applicationId);
    s.put("processing.guarantee", "exactly_once_v2");
    // a SIGKILLed member never says goodbye: the group notices when its session expires
    s.put("session.timeout.ms", "6000");
    s.put("heartbeat.interval.ms", "1500");
    s.put("pigeon.http.port", "-1");
    s.put("pigeon.generator", settings.generator());
    s.put("pigeon.model.dir", Path.of("models", "pigeon").toAbsolutePath().toString());
    s.put("pigeon.model.store", dir.resolve("model-store").toString());
    s.put("pigeon.claimcheck.dir", dir.resolve("claims").toString());
    s.put("pigeon.topics.partitions", Integer.toString(settings.partitions()));
    s.put("pigeon.topics.replication", Integer.toString(replicas));
    s.put("replication.factor", Integer.toString(replicas));
    s.put("pigeon.batch.max.requests", "8");
    // several engines share two cores: one PyTorch thread each
    s.put("pigeon.model.threads", "1");
    s.putAll(extra);
    s.putAll(settings.engineSettings());
    EngineProcess e = new EngineProcess(name, parent, s, List.of("-Xmx1g"));
    engines.add(e);
    return e;
  }

  List<EngineProcess> startEngines(int count, Map<String, String> extra) throws Exception {
    List<EngineProcess> engines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      engines.add(engine("engine-" + i, extra));
    }
    // the first creates the topics; the others join before there is any state, so that the
    // tasks are spread evenly (a newcomer to a stateful group would first get warm-up replicas)
    engines.get(0).start();
    engines.get(0).awaitReady(READY);
    for (EngineProcess e : engines.subList(1, count)) {
      e.start();
    }
    for (EngineProcess e : engines) {
      e.awaitReady(READY);
    }
    log("%d engine(s) ready", count);
    seed(settings.users());
    return engines;
  }

  /**
   * Sends the catalog and the users' histories to the running engines, waits until they committed
   * them all, then starts the ledger.
   */
  void seed(int userCount) throws Exception {
    StickerCatalog catalog = new StickerCatalog(dataset, EMOJI);
    catalog.send(producer, topics);
    int styles = dataset.styleCount();
    for (int u = 0; u < userCount; u++) {
      String user = "u" + u;
      users.add(user);
      for (int j = 0; j < HISTORY; j++) {
        producer.send(
            topics.interactions,
            user,
            Records.interaction(
                user, catalog.itemId((u + j) % (EMOJI / 2), u % (styles - 1)), Action.LIKE, j));
      }
    }
    producer.flush();
    for (int e = EMOJI / 2; e < EMOJI; e++) {
      references.add(catalog.itemId(e, styles - 1));
    }
    awaitCaughtUp(List.of(topics.items, topics.interactions), Duration.ofSeconds(120));
    ledger.start();
    log("seeded: %d items, %d users with %d likes each", catalog.size(), userCount, HISTORY);
  }

  /** Waits until the application committed every record now in {@code inputs}. */
  void awaitCaughtUp(List<Topic<String, ?>> inputs, Duration timeout) throws Exception {
    try (CommittedOffsets offsets = new CommittedOffsets(kafka.bootstrapServers())) {
      Map<TopicPartition, Long> end = new HashMap<>();
      for (Topic<String, ?> t : inputs) {
        end.putAll(offsets.endOffsets(t.name(), settings.partitions()));
      }
      offsets.awaitCaughtUp(applicationId, Map.of(), end, timeout, n -> {}, () -> false);
    }
  }

  OpenLoopLoad load(String prefix) {
    return new OpenLoopLoad(producer, topics, users, references, prefix);
  }

  AnswerLedger ledger() {
    return ledger;
  }

  /** The broker leading most partitions of the request topic, the controller's node excluded. */
  int leaderOfRequests() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Map<Integer, Integer> led = new HashMap<>();
      admin
          .describeTopics(List.of(topics.requests.name()))
          .allTopicNames()
          .get()
          .get(topics.requests.name())
          .partitions()
          .forEach(
              p -> {
                if (p.leader() != null && p.leader().id() != 0) {
                  led.merge(p.leader().id(), 1, Integer::sum);
                }
              });
      return led.entrySet().stream()
          .max(Map.Entry.comparingByValue())
          .map(Map.Entry::getKey)
          .orElseThrow(() -> new IllegalStateException("no broker but the controller leads"));
    }
  }

  /** Stops the load, waits for every answer (or the drain timeout) and a quiet time, counts. */
  ChaosResult finish(
      OpenLoopLoad load, long start, List<Long> faults, String done, Map<String, String> extra)
      throws Exception {
    load.stop();
    long stopped = System.nanoTime();
    double ran = (stopped - start) / 1e9;
    List<String> ids = load.sentIds();
    long deadline = stopped + DRAIN.toNanos();
    while (!ledger.answeredAll(ids) && System.nanoTime() < deadline) {
      ledger.requireHealthy();
      Thread.sleep(100);
    }
    double drained = (System.nanoTime() - stopped) / 1e9;
    Thread.sleep(QUIET.toMillis()); // a duplicate committed late would show up here
    Map<String, String> all = new LinkedHashMap<>(extra);
    all.put("load ran", String.format("%.0f s", ran));
    all.put("backlog answered after the load stopped", String.format("%.1f s", drained));
    ChaosResult r =
        ChaosResult.of(
            settings.scenario(), done, load.sent(), load.failed(), ledger, start, faults, all);
    log("%s", r.summary());
    writeTimeline(load.sent(), start, faults);
    if (!r.exactlyOnce()) {
      printLogTails(40);
    }
    return r;
  }

  /**
   * {@code OUT/chaos-SCENARIO[-N]-timeline.csv}: each request's partition, when it was sent and
   * when its first answer was read, and each fault, in seconds from the start of the load.
   */
  private void writeTimeline(Map<String, Long> sent, long start, List<Long> faults)
      throws IOException {
    StringBuilder csv = new StringBuilder("event,request_id,partition,sent_s,answered_s\n");
    for (long f : faults) {
      csv.append(String.format(Locale.ROOT, "fault,,,%.3f,%n", (f - start) / 1e9));
    }
    Map<String, Boolean> seen = new HashMap<>();
    for (AnswerLedger.Arrival a : ledger.arrivals()) {
      Long at = sent.get(a.requestId());
      if (at != null && seen.putIfAbsent(a.requestId(), true) == null) {
        csv.append(
            String.format(
                Locale.ROOT,
                "answer,%s,%d,%.3f,%.3f%n",
                a.requestId(),
                a.partition(),
                (at - start) / 1e9,
                (a.readNanos() - start) / 1e9));
      }
    }
    Path file =
        settings.out().resolve("chaos-" + settings.scenario() + "-" + run + "-timeline.csv");
    Files.writeString(file, csv);
  }

  interface Script {
    ChaosResult run() throws Exception;
  }

  /** Runs the script; on failure prints the engines' log tails first. */
  ChaosResult guarded(Script script) throws Exception {
    try {
      return script.run();
    } catch (Exception | Error e) {
      printLogTails(60);
      throw e;
    }
  }

  /** Seconds since this harness started. */
  double clock() {
    return (System.nanoTime() - t0) / 1e9;
  }

  double secondsAt(long nanos) {
    return (nanos - t0) / 1e9;
  }

  void log(String format, Object... args) {
    console.printf("[chaos %6.1f s] %s%n", clock(), String.format(format, args));
    console.flush();
  }

  /** The last lines of every engine log, for a failed run. */
  void printLogTails(int lines) {
    for (EngineProcess e : engines) {
      for (Path log : e.logs()) {
        try {
          List<String> all = Files.readAllLines(log);
          console.printf("----- %s (last %d of %d lines) -----%n", log, lines, all.size());
          all.subList(Math.max(0, all.size() - lines), all.size()).forEach(console::println);
        } catch (IOException e2) {
          console.println("cannot read " + log + ": " + e2);
        }
      }
    }
    console.flush();
  }

  @Override
  public void close() throws Exception {
    for (EngineProcess e : engines) {
      e.close();
    }
    try {
      ledger.close();
      producer.close();
    } finally {
      kafka.close();
    }
  }
}
