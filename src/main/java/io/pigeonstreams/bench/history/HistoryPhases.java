package io.pigeonstreams.bench.history;

import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.bench.BenchResults;
import io.pigeonstreams.bench.Progress;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.kafka.TopicAdmin;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.CommittedOffsets;
import io.pigeonstreams.workload.Directories;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The engine's history path, measured on a running broker in one process and one run:
 *
 * <ol>
 *   <li>throughput (here): all interactions are in the topic before anything consumes them; the
 *       engine (one stream thread, exactly-once) and then a plain exactly-once consume→produce pipe
 *       each read the whole topic, timed from the moment each is ready to process until its
 *       consumer group's committed offsets reach the end offsets (polled every 100 ms with an admin
 *       client);
 *   <li>request latency against the history length N ({@link LatencyPhase}).
 * </ol>
 *
 * <p>A benchmark, not a test: it reports numbers and only fails when the engine does not do the
 * work at all.
 */
public final class HistoryPhases {

  static final String THROUGHPUT_APP = "bench-history-throughput";
  static final String PIPE_GROUP = "bench-history-pipe";
  static final String PIPE_TOPIC = "bench-interactions-copy";
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final HistorySettings settings;
  private final HistoryWorkload workload;
  private final Path out;
  private final String bootstrapServers;
  private final Progress progress;

  public HistoryPhases(
      HistorySettings settings,
      StickerDataset dataset,
      Path out,
      String bootstrapServers,
      PrintStream log) {
    this.settings = settings;
    this.workload = new HistoryWorkload(settings, dataset);
    this.out = out;
    this.bootstrapServers = bootstrapServers;
    this.progress = new Progress(log);
  }

  /** Runs everything and returns the measurements. */
  public BenchResults run() throws Exception {
    Path state = out.resolve("state");
    Directories.deleteRecursively(state); // fresh state folders: the broker is new too
    BenchResults results = new BenchResults();
    Runtime rt = Runtime.getRuntime();
    results.add("cores", rt.availableProcessors(), "count");
    results.add("max_heap_mb", rt.maxMemory() / (1024 * 1024), "MiB");
    results.add("interactions", settings.interactions(), "count");
    results.add("users", settings.users(), "count");
    results.add("partitions", settings.partitions(), "count");
    try (CommittedOffsets offsets = new CommittedOffsets(bootstrapServers)) {
      throughput(results, offsets, state);
      new LatencyPhase(settings, workload, bootstrapServers, progress).run(results, offsets, state);
    }
    HistoryReport.chart(out.resolve("history-latency.png"), results, settings);
    progress.line("done");
    return results;
  }

  // --- 1. throughput: engine vs plain pipe -----------------------------------------------------

  private void throughput(BenchResults results, CommittedOffsets offsets, Path state)
      throws Exception {
    EngineConfig config =
        engineConfig(bootstrapServers, settings, THROUGHPUT_APP, state.resolve("throughput"), null);
    int p = settings.partitions();
    Map<TopicPartition, Long> end;
    Set<String> activeUsers;
    try (PigeonEngine engine = new PigeonEngine(config, components())) {
      Topics topics = engine.topics();
      String topic = topics.interactions.name();
      try (TopicAdmin admin = TopicAdmin.connect(bootstrapServers)) {
        admin.ensureTopics(engine.topicSpecs());
        admin.ensureTopics(List.of(TopicAdmin.TopicSpec.of(PIPE_TOPIC, p, 1)));
      }
      results.add("throughput_history_size", config.getInt("pigeon.history.size"), "items");

      progress.line(
          "serializing %,d interactions of %,d users over %,d catalog items",
          settings.interactions(), settings.users(), workload.itemIds().size());
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(settings.interactions());
      activeUsers = workload.interactions(topics, records);
      progress.line("producing them to %s (%d partitions) before anything consumes", topic, p);
      long t0 = System.nanoTime();
      produceAll(bootstrapServers, records, 20, 256 * 1024, "the interactions");
      double loadS = seconds(System.nanoTime() - t0);
      records.clear();
      results.add("load_records_per_s", settings.interactions() / loadS, "1/s");
      end = offsets.endOffsets(topic, p);
      long total = end.values().stream().mapToLong(Long::longValue).sum();
      if (total != settings.interactions()) {
        throw new IllegalStateException(
            topic + " holds " + total + " records, expected " + settings.interactions());
      }
      progress.line("produced in %.1f s (%,.0f records/s)", loadS, settings.interactions() / loadS);

      progress.line("starting the engine (%s, 1 stream thread, exactly_once_v2)", THROUGHPUT_APP);
      long s0 = System.nanoTime();
      engine.start();
      long ready = awaitRunning(engine);
      progress.line(
          "engine RUNNING after %.1f s; measuring until it committed all", seconds(ready - s0));
      long done =
          offsets.awaitCaughtUp(
              THROUGHPUT_APP,
              Map.of(),
              end,
              catchUpTimeout(),
              n -> progress.line("  engine: %,d / %,d committed", n, settings.interactions()),
              () -> false);
      double engineS = seconds(done - ready);
      double engineRate = settings.interactions() / engineS;
      results.add("engine_startup_s", seconds(ready - s0), "s");
      results.add("engine_elapsed_s", engineS, "s");
      results.add("engine_interactions_per_s", engineRate, "1/s");
      progress.line("engine: %,d interactions in %.2f s = %,.0f/s", total, engineS, engineRate);
      long stored = countHistories(engine);
      if (stored != activeUsers.size()) {
        throw new IllegalStateException(
            "the engine stored " + stored + " histories, expected " + activeUsers.size());
      }
      progress.line("engine: histories of all %,d users stored; closing it", stored);
    }

    progress.line(
        "starting the plain pipe (consumer + transactional producer) %s → %s",
        "interactions", PIPE_TOPIC);
    double pipeS;
    long commitMs = config.getInt("commit.interval.ms");
    try (ConsumeProducePipe pipe =
        new ConsumeProducePipe(
            bootstrapServers, PIPE_GROUP, Topics.INTERACTIONS_NAME, PIPE_TOPIC, p, commitMs)) {
      pipe.start(READY_TIMEOUT);
      long done =
          offsets.awaitCaughtUp(
              PIPE_GROUP,
              Map.of(),
              end,
              catchUpTimeout(),
              n -> progress.line("  pipe: %,d / %,d committed", n, settings.interactions()),
              pipe::failed);
      pipeS = seconds(done - pipe.readyNanos());
    }
    double pipeRate = settings.interactions() / pipeS;
    results.add("pipe_elapsed_s", pipeS, "s");
    results.add("pipe_records_per_s", pipeRate, "1/s");
    double ratio = results.value("engine_interactions_per_s") / pipeRate;
    results.add("history_ratio", ratio, "ratio");
    progress.line(
        "pipe: %,d records in %.2f s = %,.0f/s; engine / pipe = %.2f",
        settings.interactions(), pipeS, pipeRate, ratio);
  }

  /** Sends pre-serialized records with the given batching; fails if any send failed. */
  static void produceAll(
      String bootstrapServers,
      List<ProducerRecord<byte[], byte[]>> records,
      int lingerMs,
      int batchBytes,
      String what) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    if (batchBytes > 0) {
      p.put(ProducerConfig.BATCH_SIZE_CONFIG, batchBytes);
    }
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(
            r,
            (meta, e) -> {
              if (e != null) {
                failed.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw new IllegalStateException("producing " + what + " failed: " + failed.get());
    }
  }

  private static long awaitRunning(PigeonEngine engine) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!engine.isReady()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the engine did not become ready in 60 s");
      }
      Thread.sleep(1);
    }
    return System.nanoTime();
  }

  private static long countHistories(PigeonEngine engine) throws InterruptedException {
    for (int attempt = 0; ; attempt++) {
      try (KeyValueIterator<String, UserHistory> it = engine.historyStore().all()) {
        long n = 0;
        while (it.hasNext()) {
          it.next();
          n++;
        }
        return n;
      } catch (RuntimeException notQueryableYet) {
        if (attempt >= 100) {
          throw notQueryableYet;
        }
        Thread.sleep(100);
      }
    }
  }

  private Duration catchUpTimeout() {
    return Duration.ofSeconds(120 + settings.interactions() / 1_000);
  }

  static EngineConfig engineConfig(
      String bootstrapServers,
      HistorySettings settings,
      String applicationId,
      Path stateDir,
      Integer historySize) {
    Map<String, String> m = new HashMap<>();
    m.put("bootstrap.servers", bootstrapServers);
    m.put("application.id", applicationId);
    m.put("state.dir", stateDir.toString());
    m.put("num.stream.threads", "1");
    m.put("pigeon.topics.partitions", Integer.toString(settings.partitions()));
    if (historySize != null) {
      m.put("pigeon.history.size", Integer.toString(historySize));
    }
    m.putAll(settings.engine());
    return EngineConfig.of(m);
  }

  /** What the engine runs with by default. */
  static EngineComponents components() {
    return EngineComponents.retrieval();
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
