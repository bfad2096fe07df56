package io.pigeonstreams.engine;

import io.pigeonstreams.avro.ModelUpdate;
import io.pigeonstreams.generate.pigeon.PigeonComponents;
import io.pigeonstreams.metrics.EngineMetrics;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.personalize.Personalizer;
import io.pigeonstreams.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code model-updates} from its beginning on a thread of its own (every instance reads
 * every announcement; the latest one per name wins). An announced version that differs from the one
 * serving is loaded in the background from its model-store folder, its weights' digest checked
 * against the announcement, warmed up, and swapped in at the next micro-batch boundary ({@link
 * Personalizer#swap}): batches already running finish with the old model, which is then closed. A
 * version that fails to load, to match its digest or to warm up is refused (logged, counted in
 * {@code pigeon_model_swaps_total{outcome="refused"}}) and the old one keeps serving.
 */
final class ModelUpdates implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelUpdates.class);

  private final EngineConfig config;
  private final Topics topics;
  private final Personalizer personalizer;
  private final EngineMetrics metrics;
  private final int warmUpRows;
  private final Thread thread;
  private volatile KafkaConsumer<String, ModelUpdate> consumer;
  private volatile boolean closed;
  private volatile String lastRefused;

  ModelUpdates(
      EngineConfig config,
      Topics topics,
      Personalizer personalizer,
      EngineMetrics metrics,
      int warmUpRows) {
    this.config = config;
    this.topics = topics;
    this.personalizer = personalizer;
    this.metrics = metrics;
    this.warmUpRows = warmUpRows;
    this.thread = new Thread(this::run, "pigeon-model-updates");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    Properties p = new Properties();
    p.putAll(config.clientConfig());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, ModelUpdate> c =
        new KafkaConsumer<>(
            p, new StringDeserializer(), topics.modelUpdates.valueSerde().deserializer())) {
      consumer = c;
      if (closed) {
        return;
      }
      TopicPartition tp = new TopicPartition(topics.modelUpdates.name(), 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      while (!closed) {
        ModelUpdate latest = null;
        try {
          for (ConsumerRecord<String, ModelUpdate> r : c.poll(Duration.ofMillis(500))) {
            if (r.value() != null && ModelStore.MODEL_NAME.equals(r.value().getName())) {
              latest = r.value();
            }
          }
        } catch (RecordDeserializationException e) {
          LOG.warn("model-updates: skipping a record that cannot be read: {}", e.getMessage());
          c.seek(e.topicPartition(), e.offset() + 1);
          continue;
        }
        if (latest != null) {
          apply(latest);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("model-updates follower stopped; the current model keeps serving", e);
    }
  }

  /** Loads, checks, warms up and swaps in {@code u} unless it is serving or was refused. */
  void apply(ModelUpdate u) {
    String version = u.getVersion();
    if (version.equals(personalizer.modelVersion()) || version.equals(lastRefused)) {
      return;
    }
    if (!"pigeon".equals(config.get("pigeon.generator"))) {
      refuse(u, "hot swap needs pigeon.generator=pigeon, not " + config.get("pigeon.generator"));
      return;
    }
    long start = System.nanoTime();
    PigeonComponents next = null;
    try {
      Path dir = Path.of(u.getLocation());
      String digest = PigeonModel.digest(PigeonModel.weightsFile(dir, u.getCheckpoint()));
      if (!digest.equals(u.getDigest())) {
        refuse(u, "weights digest " + digest + " does not match the announced " + u.getDigest());
        return;
      }
      next =
          PigeonComponents.load(
              dir,
              u.getCheckpoint(),
              config.getInt("pigeon.history.size"),
              io.pigeonstreams.model.Devices.parse(config.get("pigeon.device")));
      if (!next.modelVersion().equals(version)) {
        throw new IllegalStateException(
            "loaded " + next.modelVersion() + " but " + version + " was announced");
      }
      next.warmUp(warmUpRows);
    } catch (Exception | OutOfMemoryError e) {
      if (next != null) {
        next.close();
      }
      refuse(u, e.toString());
      return;
    }
    String old = personalizer.modelVersion();
    personalizer.swap(next.tokenizer(), next, next, next.scorer(), next);
    metrics.modelSwap("swapped");
    metrics.serving(version);
    LOG.info(
        "model {} -> {} ({}; parent {}), loaded and warmed up in {} ms",
        old,
        version,
        u.getReason(),
        u.getParent(),
        (System.nanoTime() - start) / 1_000_000);
  }

  private void refuse(ModelUpdate u, String why) {
    lastRefused = u.getVersion();
    metrics.modelSwap("refused");
    LOG.error(
        "model {} refused, {} keeps serving: {}", u.getVersion(), personalizer.modelVersion(), why);
  }

  @Override
  public void close() {
    closed = true;
    KafkaConsumer<String, ModelUpdate> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
