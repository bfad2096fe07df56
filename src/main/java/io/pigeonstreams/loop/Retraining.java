package io.pigeonstreams.loop;

import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.ModelUpdate;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.avro.PreferenceSource;
import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.engine.ModelStore;
import io.pigeonstreams.eval.Evaluator;
import io.pigeonstreams.eval.Generators;
import io.pigeonstreams.eval.MetricsRow;
import io.pigeonstreams.eval.StickerGenerator;
import io.pigeonstreams.eval.judge.Judge;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.train.PreferenceTuning;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A new model version from the stream's preference pairs: reads {@code preference-pairs} (both
 * sources) and the catalog, fine-tunes the current version with DPO ({@link PreferenceTuning}),
 * evaluates both on VAL with the judges, and publishes the new one only when its overall score is
 * not lower than the current one's by more than the tolerance; otherwise it says why and keeps the
 * current one.
 *
 * <p>USER_FEEDBACK pairs count {@link Settings#feedbackWeight} times: a person's choice between two
 * images is the signal the product is judged by, while MODEL_SCORE pairs are the model's own
 * scorer's opinion, which the offline stage 2 showed can move style the wrong way.
 */
public final class Retraining {

  /**
   * @param feedbackWeight how many times a USER_FEEDBACK pair counts (a MODEL_SCORE pair: once)
   * @param tolerance how much lower the new version's VAL overall may be and still be published
   * @param valSamples VAL samples both versions are scored on (seed 42, noise 0.2)
   * @param since read pairs written at or after this time (null: all)
   */
  public record Settings(
      int feedbackWeight,
      double tolerance,
      int valSamples,
      Instant since,
      PreferenceTuning.Settings tuning) {
    public static Settings defaults() {
      return new Settings(3, 0.01, 300, null, PreferenceTuning.Settings.defaults());
    }
  }

  /**
   * @param skipped pairs left out (no tokens, or a history or reference the catalog no longer has)
   * @param update the announcement sent (null when not published)
   */
  public record Outcome(
      int modelPairs,
      int feedbackPairs,
      int skipped,
      PreferenceTuning.Report tuning,
      MetricsRow current,
      MetricsRow candidate,
      boolean published,
      String reason,
      ModelUpdate update) {}

  private Retraining() {}

  /**
   * @param currentDir the serving version's folder, {@code currentCheckpoint} its checkpoint
   * @param currentVersion its version (the new one's parent)
   * @param workDir where the new weights are written before they enter the store
   */
  public static Outcome run(
      String bootstrapServers,
      Map<String, ?> serdeConfig,
      StickerDataset ds,
      Path judges,
      Path currentDir,
      String currentCheckpoint,
      String currentVersion,
      ModelStore store,
      Path workDir,
      Settings settings,
      boolean progress)
      throws Exception {
    Topics topics = new Topics(serdeConfig);
    Map<String, CatalogEntry> catalog = new HashMap<>();
    for (ConsumerRecord<String, CatalogEntry> r :
        CommittedReader.readToEnd(
            io.pigeonstreams.kafka.ClientConfig.of(bootstrapServers, serdeConfig),
            topics.catalog.name(),
            topics.catalog.valueSerde().deserializer(),
            null)) {
      if (r.value() == null) {
        catalog.remove(r.key());
      } else {
        catalog.put(r.key(), r.value());
      }
    }
    List<PreferencePair> pairs = new ArrayList<>();
    for (ConsumerRecord<String, PreferencePair> r :
        CommittedReader.readToEnd(
            io.pigeonstreams.kafka.ClientConfig.of(bootstrapServers, serdeConfig),
            topics.pairs.name(),
            topics.pairs.valueSerde().deserializer(),
            settings.since())) {
      if (r.value() != null) {
        pairs.add(r.value());
      }
    }
    return run(
        pairs,
        catalog,
        ds,
        judges,
        currentDir,
        currentCheckpoint,
        currentVersion,
        store,
        workDir,
        settings,
        progress,
        bootstrapServers,
        serdeConfig);
  }

  /** As above, on pairs and a catalog already read; announces when {@code bootstrap} is set. */
  static Outcome run(
      List<PreferencePair> pairs,
      Map<String, CatalogEntry> catalog,
      StickerDataset ds,
      Path judges,
      Path currentDir,
      String currentCheckpoint,
      String currentVersion,
      ModelStore store,
      Path workDir,
      Settings settings,
      boolean progress,
      String bootstrapServers,
      Map<String, ?> serdeConfig)
      throws Exception {
    List<PreferenceTuning.Example> examples = new ArrayList<>();
    int model = 0;
    int feedback = 0;
    int skipped = 0;
    for (PreferencePair p : pairs) {
      PreferenceTuning.Example e = example(p, catalog, settings.feedbackWeight());
      if (e == null) {
        skipped++;
      } else {
        examples.add(e);
        if (p.getSource() == PreferenceSource.USER_FEEDBACK) {
          feedback++;
        } else {
          model++;
        }
      }
    }
    if (examples.isEmpty()) {
      return new Outcome(
          model, feedback, skipped, null, null, null, false, "no usable preference pairs", null);
    }
    Path out = workDir.resolve("candidate");
    PreferenceTuning.Report tuning =
        PreferenceTuning.train(
            currentDir, currentCheckpoint, examples, settings.tuning(), out, progress);
    MetricsRow current;
    MetricsRow candidate;
    List<Sample> val =
        new UserSimulator(ds).simulate(SimulationConfig.defaults(42L, 0.2)).samples(Split.VAL);
    val = val.subList(0, Math.min(val.size(), settings.valSamples()));
    try (Judge style = Judge.load(judges, Judge.STYLE, ds.styleCount());
        Judge identity = Judge.load(judges, Judge.IDENTITY, ds.emojiCount())) {
      Evaluator evaluator = new Evaluator(ds, style, identity, progress);
      try (StickerGenerator g =
          Generators.pigeonAt(currentVersion, currentDir, currentCheckpoint)) {
        current = evaluator.evaluate(g, val, "val", 42L, 0.2).row();
      }
      try (StickerGenerator g = Generators.pigeonAt("candidate", out, PreferenceTuning.NAME)) {
        candidate = evaluator.evaluate(g, val, "val", 42L, 0.2).row();
      }
    }
    if (candidate.overall() < current.overall() - settings.tolerance()) {
      return new Outcome(
          model,
          feedback,
          skipped,
          tuning,
          current,
          candidate,
          false,
          String.format(
              java.util.Locale.ROOT,
              "VAL overall %.3f is below the current %.3f by more than %.3f: not published",
              candidate.overall(),
              current.overall(),
              settings.tolerance()),
          null);
    }
    Map<String, Double> metrics = new HashMap<>();
    metrics.put("style_acc", candidate.styleAcc());
    metrics.put("identity_top5", candidate.identityTop5());
    metrics.put("overall", candidate.overall());
    metrics.put("parent_overall", current.overall());
    metrics.put("model_pairs", (double) model);
    metrics.put("feedback_pairs", (double) feedback);
    ModelUpdate update =
        store.add(out, PreferenceTuning.NAME, currentVersion, metrics, "retrained from the stream");
    if (bootstrapServers != null) {
      ModelStore.announce(bootstrapServers, serdeConfig, update);
    }
    return new Outcome(
        model, feedback, skipped, tuning, current, candidate, true, "published", update);
  }

  /** The pair as a training example, or null when it cannot be one. */
  static PreferenceTuning.Example example(
      PreferencePair p, Map<String, CatalogEntry> catalog, int feedbackWeight) {
    if (p.getChosenTokens().size() != p.getRejectedTokens().size()
        || p.getChosenTokens().isEmpty()
        || p.getReferenceItemId() == null) {
      return null;
    }
    CatalogEntry reference = catalog.get(p.getReferenceItemId());
    if (reference == null) {
      return null;
    }
    List<float[]> history = new ArrayList<>();
    for (String id : p.getHistoryItemIds()) {
      CatalogEntry e = catalog.get(id);
      if (e != null) {
        history.add(StickerImage.fromRaw(StickerImage.bytes(e.getRaster())));
      }
    }
    if (history.isEmpty()) {
      return null;
    }
    String caption = p.getInstruction().isBlank() ? reference.getCaption() : p.getInstruction();
    return new PreferenceTuning.Example(
        history,
        StickerImage.fromRaw(StickerImage.bytes(reference.getRaster())),
        caption,
        ints(p.getChosenTokens()),
        ints(p.getRejectedTokens()),
        p.getChosenAlphaR(),
        p.getRejectedAlphaR(),
        p.getSource() == PreferenceSource.USER_FEEDBACK ? feedbackWeight : 1);
  }

  private static int[] ints(List<Integer> v) {
    int[] out = new int[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }
}
