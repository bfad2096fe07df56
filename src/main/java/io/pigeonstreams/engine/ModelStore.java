package io.pigeonstreams.engine;

import io.pigeonstreams.avro.ModelUpdate;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.topology.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Model versions, content-addressed: a published version is the folder {@code
 * <store>/<checkpoint>@<digest>/} holding its weights, the tokenizer and taste encoder it runs
 * with, and its card; it is announced on the compacted {@code model-updates} topic, which every
 * engine instance follows ({@link ModelUpdates}). A rollback announces an earlier folder again.
 */
public final class ModelStore {

  /** The name versions are announced under (the key on {@code model-updates}). */
  public static final String MODEL_NAME = "pigeon";

  private final Path root;

  public ModelStore(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /**
   * Copies checkpoint {@code checkpoint} of {@code from} (and the tokenizer and taste encoder
   * beside it) into the store, unless that version is already there, and writes its card.
   *
   * @param parent the version it was trained from (null: none)
   * @param metrics what was measured on VAL before publishing
   * @return the announcement for it (not yet sent)
   */
  public ModelUpdate add(
      Path from, String checkpoint, String parent, Map<String, Double> metrics, String reason)
      throws IOException {
    Path weights = PigeonModel.weightsFile(from, checkpoint);
    String digest = PigeonModel.digest(weights);
    String version = checkpoint + "@" + digest;
    Path dir = root.resolve(version);
    if (!Files.isDirectory(dir)) {
      Path tmp = Files.createDirectories(root).resolve(version + ".tmp");
      Files.createDirectories(tmp);
      Files.copy(weights, tmp.resolve(weights.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      for (String shared : PigeonModel.COMPANION_FILES) {
        Files.copy(from.resolve(shared), tmp.resolve(shared), StandardCopyOption.REPLACE_EXISTING);
      }
      StringBuilder card = new StringBuilder();
      card.append("# ").append(version).append("\n\n");
      card.append("| | |\n|---|---|\n");
      card.append("| parent | ").append(parent == null ? "(none)" : parent).append(" |\n");
      card.append("| published | ").append(Instant.now()).append(" |\n");
      card.append("| reason | ").append(reason).append(" |\n");
      metrics.forEach(
          (k, v) -> card.append("| VAL ").append(k).append(" | ").append(v).append(" |\n"));
      Files.writeString(tmp.resolve("card.md"), card.toString());
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    }
    return update(version, checkpoint, digest, dir, parent, metrics, reason);
  }

  /**
   * The announcement of a version already in the store (a rollback).
   *
   * @throws IOException when the store has no such version
   */
  public ModelUpdate find(String version, String parent, String reason) throws IOException {
    Path dir = root.resolve(version);
    int at = version.lastIndexOf('@');
    if (at < 1 || !Files.isDirectory(dir)) {
      throw new IOException("no version '" + version + "' in the model store " + root);
    }
    String checkpoint = version.substring(0, at);
    String digest = PigeonModel.digest(PigeonModel.weightsFile(dir, checkpoint));
    return update(version, checkpoint, digest, dir, parent, Map.of(), reason);
  }

  /**
   * The folder holding version {@code version} (checkpoint@digest): its folder in the store, or
   * else {@code modelDir} when that holds the checkpoint with that digest (a version not yet
   * published, such as a checkpoint shipped in the models folder).
   *
   * @throws IOException when neither has it
   */
  public Path locate(String version, Path modelDir) throws IOException {
    int at = version.lastIndexOf('@');
    if (at < 1) {
      throw new IOException("'" + version + "' is not a model version (checkpoint@digest)");
    }
    if (Files.isDirectory(root.resolve(version))) {
      return root.resolve(version);
    }
    String checkpoint = version.substring(0, at);
    Path weights = PigeonModel.weightsFile(modelDir, checkpoint);
    if (Files.isRegularFile(weights)
        && PigeonModel.digest(weights).equals(version.substring(at + 1))) {
      return modelDir;
    }
    throw new IOException(
        "no version '" + version + "' in the model store " + root + " nor in " + modelDir);
  }

  private static ModelUpdate update(
      String version,
      String checkpoint,
      String digest,
      Path dir,
      String parent,
      Map<String, Double> metrics,
      String reason) {
    return ModelUpdate.newBuilder()
        .setName(MODEL_NAME)
        .setVersion(version)
        .setCheckpoint(checkpoint)
        .setDigest(digest)
        .setLocation(dir.toAbsolutePath().toString())
        .setParent(parent)
        .setReason(reason)
        .setMetrics(new HashMap<>(metrics))
        .setTimestamp(Instant.now())
        .build();
  }

  /** Sends {@code update} to {@code model-updates} and waits until the broker has it. */
  public static void announce(String bootstrapServers, Map<String, ?> serdeConfig, ModelUpdate u)
      throws Exception {
    Properties p = new Properties();
    p.putAll(io.pigeonstreams.kafka.ClientConfig.of(bootstrapServers, serdeConfig));
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    Topics topics = new Topics(serdeConfig);
    try (KafkaProducer<String, ModelUpdate> producer =
        new KafkaProducer<>(
            p, new StringSerializer(), topics.modelUpdates.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(topics.modelUpdates.name(), u.getName(), u)).get();
    }
  }
}
