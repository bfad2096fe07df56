package io.pigeonstreams.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.kafka.TopicAdmin;
import io.pigeonstreams.metrics.EngineMetrics;
import io.pigeonstreams.personalize.Personalizer;
import io.pigeonstreams.topology.Batching;
import io.pigeonstreams.topology.DeadLetterHandler;
import io.pigeonstreams.topology.PigeonTopology;
import io.pigeonstreams.topology.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
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

  private final EngineConfig config;
  private final EngineComponents components;
  private final Topics topics;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final EngineMetrics metrics = new EngineMetrics(registry);
  private final Batching batching;
  private final Topology topology;
  private final Personalizer personalizer;
  private ModelUpdates modelUpdates;
  private KafkaStreamsMetrics streamsMetrics;
  private java.util.concurrent.ScheduledExecutorService metricsRefresh;
  private final CountDownLatch running = new CountDownLatch(1);
  private volatile KafkaStreams streams;

  /** Takes ownership of the components: they are closed with the engine, or here on failure. */
  public PigeonEngine(EngineConfig config, EngineComponents components) {
    this.config = config;
    this.components = components;
    new JvmMemoryMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    try {
      this.topics = new Topics(config.asMap());
      this.batching = BatchingPolicy.of(config, components.generator());
      this.personalizer = EngineWiring.personalizer(config, components, metrics);
      personalizer.armLoader(new VariantModels(config, batching.maxImages()));
      this.topology = EngineWiring.topology(config, personalizer, topics, batching, metrics);
    } catch (RuntimeException e) {
      components.generator().close();
      throw e;
    }
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

  /** The model version the next micro-batch is generated with (hot-swapped versions included). */
  public String modelVersion() {
    return personalizer.modelVersion();
  }

  public Topology topology() {
    return topology;
  }

  public Topics topics() {
    return topics;
  }

  /** Kafka Streams settings: the configured ones plus the engine's handlers. */
  public Properties streamsProperties() {
    Properties p = DeadLetterHandler.install(config.streamsProperties());
    p.put(DeadLetterHandler.METRICS_CONFIG, metrics); // the handlers count dead letters here
    return p;
  }

  /** Every topic the engine needs, with its dead-letter topics. */
  public List<TopicAdmin.TopicSpec> topicSpecs() {
    return TopicPlan.of(config, topics);
  }

  /** Creates or checks topics, then starts processing. Returns once Kafka Streams is started. */
  public void start() {
    try (TopicAdmin topicAdmin = TopicAdmin.connect(config.clientConfig())) {
      if (config.getBoolean("pigeon.topics.create")) {
        topicAdmin.ensureTopics(topicSpecs());
      }
      topicAdmin.requireCopartitioned(topics.requests.name(), topics.interactions.name());
    }
    registerSchemas();
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
    metrics.serving(personalizer.modelVersion());
    modelUpdates = new ModelUpdates(config, topics, personalizer, metrics, batching.maxImages());
    modelUpdates.start();
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

  /**
   * In registry mode, registers (or looks up) every topic's value schema before processing starts:
   * a schema the registry finds incompatible stops the start with the subject and the reason.
   */
  private void registerSchemas() {
    for (var topic : topics.all()) {
      if (topic.valueSerde() instanceof io.pigeonstreams.serde.RegistryAvroSerde<?> r) {
        try {
          int id = r.prepare(topic.name());
          LOG.info(
              "schema {} is id {} under subject {}",
              r.schema().getFullName(),
              id,
              io.pigeonstreams.serde.RegistryAvroSerde.subject(topic.name()));
        } catch (io.pigeonstreams.serde.RegistryClient.RegistryException e) {
          throw new IllegalStateException("cannot start: " + e.getMessage(), e);
        }
      }
    }
  }

  /** Kafka Streams itself, for interactive queries (null before {@link #start}). */
  public KafkaStreams streams() {
    return streams;
  }

  /** The models of experiments' variants loaded now, with the version each serves. */
  public java.util.Collection<String> variantModels() {
    return personalizer.armVersions().values();
  }

  /** The experiments' definitions as every instance sees them (the global table). */
  public ReadOnlyKeyValueStore<String, io.pigeonstreams.avro.Experiment> experimentsStore() {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
            PigeonTopology.EXPERIMENTS_STORE,
            QueryableStoreTypes.<String, io.pigeonstreams.avro.Experiment>keyValueStore()));
  }

  /** Blocks until the engine stops (closed, or failed for good). */
  public void awaitTermination() throws InterruptedException {
    running.await();
  }

  @Override
  public void close() {
    if (modelUpdates != null) {
      modelUpdates.close();
    }
    KafkaStreams ks = streams;
    boolean closed = true;
    if (ks != null) {
      // leave the group on the way out: the other instances (or this one, restarted) take its
      // partitions at once instead of after the session timeout (session.timeout.ms) of a silent
      // member
      closed =
          ks.close(
              org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                      org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                  .withTimeout(CLOSE_TIMEOUT));
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
      personalizer.closeCurrent(); // a version swapped in since the start
    } else {
      // a stream thread may still be inside the model: leave it to the process's exit
      LOG.warn("the model stays open: a stream thread may still be using it");
    }
    registry.close();
    running.countDown();
  }
}
