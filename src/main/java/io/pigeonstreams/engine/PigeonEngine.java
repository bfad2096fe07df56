package io.pigeonstreams.engine;

import ai.djl.Device;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.generate.HistoryMasker;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.generate.PreferenceScorer;
import io.pigeonstreams.generate.VisualTokenizer;
import io.pigeonstreams.generate.pigeon.PigeonComponents;
import io.pigeonstreams.generate.retrieval.NearestHistoryGenerator;
import io.pigeonstreams.generate.retrieval.PaletteOutlierMasker;
import io.pigeonstreams.generate.retrieval.PaletteStructureScorer;
import io.pigeonstreams.generate.retrieval.PaletteTokenizer;
import io.pigeonstreams.kafka.TopicAdmin;
import io.pigeonstreams.metrics.EngineMetrics;
import io.pigeonstreams.model.Devices;
import io.pigeonstreams.personalize.ClaimCheck;
import io.pigeonstreams.personalize.HistoryPolicy;
import io.pigeonstreams.personalize.Personalizer;
import io.pigeonstreams.topology.DeadLetterHandler;
import io.pigeonstreams.topology.PigeonTopology;
import io.pigeonstreams.topology.RequestProcessor.Batching;
import io.pigeonstreams.topology.Topic;
import io.pigeonstreams.topology.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running engine: creates (or checks) the topics, refuses a setup whose requests and
 * interactions are not co-partitioned, starts Kafka Streams with exactly-once and dead-letter
 * handlers, and reports readiness from the Kafka Streams state.
 */
public final class PigeonEngine implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PigeonEngine.class);
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  static final Duration METRICS_REFRESH = Duration.ofSeconds(5);

  /** A served image's cost in units of the generator's own time per image (see batching()). */
  static final double COST_PER_GENERATED_IMAGE = 2.0;

  /** The model components behind the engine's interfaces. */
  public record Components(
      VisualTokenizer tokenizer,
      HistoryMasker masker,
      ImageGenerator generator,
      PreferenceScorer scorer) {

    /**
     * The configured generator: {@code pigeon} (the default: the trained model in {@code
     * pigeon.model.dir}, its tokenizer, mask generator and encoder scorer) or {@code
     * nearest-history} (no model: {@link #retrieval()}).
     */
    public static Components of(EngineConfig config) throws IOException {
      String generator = config.get("pigeon.generator");
      switch (generator) {
        case "pigeon":
          Devices.threads(config.getInt("pigeon.model.threads"));
          return pigeon(
              Path.of(config.get("pigeon.model.dir")),
              config.get("pigeon.model.name"),
              config.getInt("pigeon.history.size"),
              Devices.parse(config.get("pigeon.device")));
        case "nearest-history":
          return retrieval();
        default:
          throw new IllegalArgumentException(
              "pigeon.generator must be pigeon or nearest-history, got '" + generator + "'");
      }
    }

    /** Pigeon behind every interface; closing the generator closes the model. */
    public static Components pigeon(Path dir, String name, int historySize, Device device)
        throws IOException {
      PigeonComponents p = PigeonComponents.load(dir, name, historySize, device);
      LOG.info("Pigeon model {} loaded from {}, running on {}", p.modelVersion(), dir, device);
      return new Components(p.tokenizer(), p, p, p.scorer());
    }

    /**
     * No model: the benchmark's nearest-history baseline behind the generator interface, with a
     * palette tokenizer, outlier masker and palette/structure scorer. For tests of the streaming
     * parts, and machines without the weights.
     */
    public static Components retrieval() {
      return new Components(
          new PaletteTokenizer(),
          new PaletteOutlierMasker(),
          new NearestHistoryGenerator(),
          new PaletteStructureScorer());
    }
  }

  private final EngineConfig config;
  private final Components components;
  private final Topics topics;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final EngineMetrics metrics = new EngineMetrics(registry);
  private final Batching batching;
  private final Topology topology;
  private KafkaStreamsMetrics streamsMetrics;
  private java.util.concurrent.ScheduledExecutorService metricsRefresh;
  private final CountDownLatch running = new CountDownLatch(1);
  private volatile KafkaStreams streams;

  /** Takes ownership of the components: they are closed with the engine, or here on failure. */
  public PigeonEngine(EngineConfig config, Components components) {
    this.config = config;
    this.components = components;
    new JvmMemoryMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    try {
      this.topics = new Topics(config.asMap());
      this.batching = batching(config, components.generator());
      this.topology = topology(config, components, topics, batching, metrics);
    } catch (RuntimeException e) {
      components.generator().close();
      throw e;
    }
  }

  /** The topology for a configuration: what {@code topology/topology.txt} describes. */
  public static Topology topology(EngineConfig config, Components c, Topics topics) {
    return topology(config, c, topics, Batching.perRecord(), EngineMetrics.none());
  }

  /**
   * Micro-batching from {@code pigeon.batch.max.requests} (B) and {@code pigeon.batch.max.delay.ms}
   * (D), after warming the generator up at the batch sizes it will see. A micro-batch runs inside
   * one transaction, so it must end well within the transaction timeout (Kafka Streams sets 10 s
   * under exactly-once) and {@code max.poll.interval.ms}: a quarter of the smaller, shared by the
   * two flushes (processing, punctuation) each of a thread's tasks may run before a commit. The
   * warm-up measures the generator's time per candidate image; a micro-batch takes at most as many
   * candidate images as fit in the budget at {@value #COST_PER_GENERATED_IMAGE} times that (join,
   * masking, scoring and publishing add about 0.6 of generation, {@code bench generation}; the rest
   * is margin for a busy machine), and fewer requests than B when they ask for many candidates. A
   * flush that still runs over the budget (a backlog after a restart) stops taking new batches and
   * leaves the rest to the next transaction.
   */
  static Batching batching(EngineConfig config, ImageGenerator generator) {
    int b = config.getInt("pigeon.batch.max.requests");
    long d = config.getInt("pigeon.batch.max.delay.ms");
    if (b < 1 || d < 0) {
      throw new IllegalArgumentException(
          "pigeon.batch.max.requests must be >= 1 and pigeon.batch.max.delay.ms >= 0, got "
              + b
              + " and "
              + d);
    }
    int k = config.getInt("pigeon.candidates.max");
    long transactionTimeout =
        firstLong(config, 10_000, "producer.transaction.timeout.ms", "transaction.timeout.ms");
    long maxPoll =
        firstLong(
            config,
            300_000,
            "main.consumer.max.poll.interval.ms",
            "consumer.max.poll.interval.ms",
            "max.poll.interval.ms");
    // One transaction holds every task of a stream thread, and each task may flush once while
    // processing and once on the wall-clock punctuation before the commit: the quarter is shared
    // by 2 flushes x the tasks a thread may own (partitions / threads, one instance).
    int tasksPerThread =
        Math.max(
            1,
            (config.getInt("pigeon.topics.partitions") + config.getInt("num.stream.threads") - 1)
                / config.getInt("num.stream.threads"));
    Duration budget =
        Duration.ofMillis(Math.min(transactionTimeout, maxPoll) / 4 / (2L * tasksPerThread));
    long start = System.nanoTime();
    double msPerImage = generator.warmUp((int) Math.min(Integer.MAX_VALUE, (long) b * k));
    int maxImages = Integer.MAX_VALUE;
    if (msPerImage > 0) {
      maxImages =
          (int)
              Math.max(
                  1,
                  Math.min(
                      Integer.MAX_VALUE,
                      budget.toMillis() / (COST_PER_GENERATED_IMAGE * msPerImage)));
      LOG.info(
          "warm-up took {} ms: {} ms per candidate image; a micro-batch holds at most {} requests"
              + " and {} candidate images (a quarter of min(transaction timeout {} ms,"
              + " max.poll.interval.ms {} ms), shared by 2 flushes x {} task(s) per thread, at 2x"
              + " that)",
          (System.nanoTime() - start) / 1_000_000,
          String.format(Locale.ROOT, "%.2f", msPerImage),
          b,
          maxImages,
          transactionTimeout,
          maxPoll,
          tasksPerThread);
      if (maxImages < k) {
        LOG.warn(
            "a request for {} candidates (pigeon.candidates.max) needs about {} ms here, over the"
                + " {} ms budget: raise transaction.timeout.ms or lower pigeon.candidates.max",
            k,
            Math.round(COST_PER_GENERATED_IMAGE * msPerImage * k),
            budget.toMillis());
      }
    }
    return new Batching(b, maxImages, Duration.ofMillis(d), budget);
  }

  private static long firstLong(EngineConfig config, long fallback, String... keys) {
    for (String key : keys) {
      if (config.has(key)) {
        return Long.parseLong(config.get(key));
      }
    }
    return fallback;
  }

  /** The topology with micro-batching and meters. */
  static Topology topology(
      EngineConfig config, Components c, Topics topics, Batching batching, EngineMetrics metrics) {
    Personalizer personalizer =
        new Personalizer(
            new Personalizer.Settings(
                config.getRatio("pigeon.alpha.h"),
                config.getRatio("pigeon.alpha.r"),
                config.getInt("pigeon.candidates.default"),
                config.getInt("pigeon.candidates.max"),
                config.getInt("pigeon.request.image.max.bytes"),
                config.getInt("pigeon.request.image.max.side"),
                config.get("pigeon.experiment.variant")),
            c.tokenizer(),
            c.masker(),
            c.generator(),
            c.scorer(),
            new ClaimCheck(
                config.getInt("pigeon.claimcheck.threshold.bytes"),
                Path.of(config.get("pigeon.claimcheck.dir"))));
    personalizer.onStage(metrics::stage);
    return PigeonTopology.build(
        topics,
        new HistoryPolicy(config.getInt("pigeon.history.size")),
        c.tokenizer(),
        personalizer,
        config.getInt("pigeon.request.image.max.side"),
        batching,
        metrics);
  }

  /** The micro-batching in use (B possibly lowered to fit the transaction timeout). */
  public Batching batchingInUse() {
    return batching;
  }

  /** The engine's meters and Kafka Streams' (once started). */
  public MeterRegistry meterRegistry() {
    return registry;
  }

  /** Every meter in Prometheus' text format: what {@code /metrics} answers. */
  public String scrape() {
    return registry.scrape();
  }

  public String modelVersion() {
    return components.generator().modelVersion();
  }

  public Topology topology() {
    return topology;
  }

  public Topics topics() {
    return topics;
  }

  /** Kafka Streams settings: the configured ones plus the engine's handlers. */
  public Properties streamsProperties() {
    Properties p = config.streamsProperties();
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterHandler.class.getName());
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName());
    return p;
  }

  /** Every topic the engine needs, with its dead-letter topics. */
  public List<TopicAdmin.TopicSpec> topicSpecs() {
    int partitions = config.getInt("pigeon.topics.partitions");
    short replication = (short) config.getInt("pigeon.topics.replication");
    List<TopicAdmin.TopicSpec> specs = new ArrayList<>();
    Map<String, String> compacted =
        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    for (Topic<String, ?> t : topics.all()) {
      boolean table = t == topics.items || t == topics.catalog;
      specs.add(
          new TopicAdmin.TopicSpec(
              t.name(), partitions, replication, table ? compacted : Map.of()));
    }
    for (Topic<String, ?> t : topics.inputs()) {
      specs.add(new TopicAdmin.TopicSpec(t.deadLetterTopic(), partitions, replication, Map.of()));
    }
    return specs;
  }

  /** Creates or checks topics, then starts processing. Returns once Kafka Streams is started. */
  public void start() {
    try (TopicAdmin topicAdmin =
        TopicAdmin.connect(config.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG))) {
      if (config.getBoolean("pigeon.topics.create")) {
        topicAdmin.ensureTopics(topicSpecs());
      }
      topicAdmin.requireCopartitioned(topics.requests.name(), topics.interactions.name());
    }
    KafkaStreams ks = new KafkaStreams(topology, streamsProperties());
    ks.setUncaughtExceptionHandler(
        e -> {
          LOG.error("stream thread died; replacing it", e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    ks.setStateListener(
        (now, before) -> {
          LOG.info("Kafka Streams {} -> {}", before, now);
          if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
            running.countDown();
          }
        });
    streams = ks;
    // Kafka Streams creates its task and processor-node metrics (end-to-end latency) once tasks
    // are assigned: look for new ones every 5 s, not Micrometer's default minute
    metricsRefresh =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pigeon-metrics-refresh");
              t.setDaemon(true);
              return t;
            });
    streamsMetrics = new KafkaStreamsMetrics(ks, List.of(), metricsRefresh, METRICS_REFRESH);
    streamsMetrics.bindTo(registry);
    ks.start();
  }

  /** Ready: Kafka Streams is RUNNING (all tasks assigned and restored). */
  public boolean isReady() {
    KafkaStreams ks = streams;
    return ks != null && ks.state() == KafkaStreams.State.RUNNING;
  }

  public boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isReady()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return true;
  }

  /** The user-history store of this instance (interactive query; users of its partitions). */
  public ReadOnlyKeyValueStore<String, UserHistory> historyStore() {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
            PigeonTopology.HISTORY_STORE,
            QueryableStoreTypes.<String, UserHistory>keyValueStore()));
  }

  /** The catalog as every instance sees it (the global table). */
  public ReadOnlyKeyValueStore<String, CatalogEntry> catalogStore() {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
            PigeonTopology.CATALOG_STORE,
            QueryableStoreTypes.<String, CatalogEntry>keyValueStore()));
  }

  /** Blocks until the engine stops (closed, or failed for good). */
  public void awaitTermination() throws InterruptedException {
    running.await();
  }

  @Override
  public void close() {
    KafkaStreams ks = streams;
    boolean closed = true;
    if (ks != null) {
      closed = ks.close(CLOSE_TIMEOUT);
      if (!closed) {
        LOG.warn("Kafka Streams did not close within {}", CLOSE_TIMEOUT);
      }
    }
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    if (metricsRefresh != null) {
      metricsRefresh.shutdownNow(); // ours: Micrometer leaves a scheduler it was given running
    }
    if (closed) {
      components.generator().close();
    } else {
      // a stream thread may still be inside the model: leave it to the process's exit
      LOG.warn("the model stays open: a stream thread may still be using it");
    }
    registry.close();
    running.countDown();
  }
}
