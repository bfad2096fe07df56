package io.pigeonstreams.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Benchmark;
import io.pigeonstreams.data.simulation.Interaction;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.generate.Vectors;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.model.StyleEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import me.tongfei.progressbar.ProgressBar;

/**
 * Trains the production scorer's {@link StyleEncoder} contrastively from interactions alone: two
 * images from the same TRAIN user window are a positive pair, the other pairs of the batch are
 * negatives (symmetric InfoNCE). No style or identity label is read, so it learns what users'
 * images share — mostly how they are drawn — as a recommender would from its logs.
 *
 * <p>Checked on VAL windows by how often the target emoji in the user's preferred style is closer
 * to the history than the same emoji in the reference's style ({@link Report#valPreference}).
 */
public final class ScorerTrainer {

  public record Settings(
      int steps, int batchSize, float learningRate, float temperature, long seed) {
    public static Settings defaults() {
      return new Settings(1500, 64, 2e-3f, 0.1f, 23L);
    }
  }

  /**
   * @param valPreference fraction of VAL samples whose ground truth scores above the reference (0.5
   *     = chance)
   */
  public record Report(
      int windows,
      int steps,
      double firstLoss,
      double lastLoss,
      double valPreference,
      long millis) {}

  private ScorerTrainer() {}

  public static Report train(StickerDataset ds, Settings settings, Path outDir, boolean progress)
      throws IOException {
    long start = System.currentTimeMillis();
    Benchmark benchmark = new UserSimulator(ds).simulate(SimulationConfig.defaults(1L, 0.2));
    List<Sample> windows = benchmark.samples(Split.TRAIN);
    Engine.getInstance().setRandomSeed((int) settings.seed());
    Random rng = new Random(settings.seed());
    double firstLoss = Double.NaN;
    double recent = 0;
    int recentCount = 0;
    try (Model model = Model.newInstance(StyleEncoder.NAME)) {
      model.setBlock(StyleEncoder.network());
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optOptimizer(
                  Optimizer.adamW()
                      .optLearningRateTracker(
                          Tracker.cosine()
                              .setBaseValue(settings.learningRate())
                              .optFinalValue(settings.learningRate() / 20f)
                              .setMaxUpdates(settings.steps())
                              .build())
                      .build());
      int b = settings.batchSize();
      try (Trainer trainer = model.newTrainer(config);
          ProgressBar bar =
              progress ? new ProgressBar("Scorer (contrastive)", settings.steps()) : null) {
        trainer.initialize(new Shape(2L * b, 3, 32, 32));
        for (int step = 0; step < settings.steps(); step++) {
          float[] flat = new float[2 * b * StickerImage.PIXELS];
          for (int i = 0; i < b; i++) {
            Sample w = windows.get(rng.nextInt(windows.size()));
            List<Interaction> items = new ArrayList<>(w.history());
            items.add(w.target());
            int a = rng.nextInt(items.size());
            int p = (a + 1 + rng.nextInt(items.size() - 1)) % items.size();
            copy(ds, items.get(a), flat, i);
            copy(ds, items.get(p), flat, b + i);
          }
          try (NDManager m = trainer.getManager().newSubManager()) {
            NDArray x = m.create(flat, new Shape(2L * b, 3, 32, 32)); // anchors, then positives
            try (GradientCollector gc = trainer.newGradientCollector()) {
              NDArray e =
                  StyleEncoder.normalize(
                      trainer.forward(new NDList(x)).singletonOrThrow()); // (2B, 64)
              NDArray anchors = e.get("0:" + b); // (B, 64)
              NDArray positives = e.get(b + ":"); // (B, 64)
              NDArray logits =
                  anchors.matMul(positives.transpose()).div(settings.temperature()); // (B, B)
              NDArray eye = m.eye(b);
              NDArray loss =
                  logits
                      .logSoftmax(1)
                      .mul(eye)
                      .sum()
                      .add(logits.logSoftmax(0).mul(eye).sum())
                      .div(-2.0f * b);
              gc.backward(loss);
              double v = loss.getFloat();
              if (!Double.isFinite(v)) {
                throw new IllegalStateException("scorer loss is " + v + " at step " + step);
              }
              if (Double.isNaN(firstLoss)) {
                firstLoss = v;
              }
              if (step >= settings.steps() - 20) {
                recent += v;
                recentCount++;
              }
              if (bar != null) {
                bar.setExtraMessage(String.format(" loss %.3f", v));
              }
            }
            trainer.step();
          }
          if (bar != null) {
            bar.step();
          }
        }
      }
      Files.createDirectories(outDir);
      model.setProperty("Epoch", "0"); // always <name>-0000.params, never -0001
      model.save(outDir, StyleEncoder.NAME);
    }
    double val;
    try (StyleEncoder encoder = StyleEncoder.load(outDir)) {
      val = valPreference(ds, benchmark.samples(Split.VAL), encoder);
    }
    return new Report(
        windows.size(),
        settings.steps(),
        firstLoss,
        recent / Math.max(1, recentCount),
        val,
        System.currentTimeMillis() - start);
  }

  /** How often the ground truth is closer to the history than the reference (mean cosine). */
  static double valPreference(StickerDataset ds, List<Sample> samples, StyleEncoder encoder) {
    List<float[]> catalog = new ArrayList<>();
    for (int e = 0; e < ds.emojiCount(); e++) {
      for (int st = 0; st < ds.styleCount(); st++) {
        catalog.add(ds.image(e, st));
      }
    }
    List<float[]> table = encoder.embed(catalog); // [emoji * styles + style]
    int wins = 0;
    for (Sample s : samples) {
      double gt = 0;
      double ref = 0;
      for (Interaction h : s.history()) {
        float[] eh = table.get(h.emoji() * ds.styleCount() + h.style());
        gt +=
            Vectors.dot(
                table.get(s.groundTruth().emoji() * ds.styleCount() + s.groundTruth().style()), eh);
        ref +=
            Vectors.dot(
                table.get(s.reference().emoji() * ds.styleCount() + s.reference().style()), eh);
      }
      if (gt > ref) {
        wins++;
      }
    }
    return wins / (double) Math.max(1, samples.size());
  }

  private static void copy(StickerDataset ds, Interaction i, float[] into, int row) {
    System.arraycopy(
        ds.image(i.emoji(), i.style()), 0, into, row * StickerImage.PIXELS, StickerImage.PIXELS);
  }
}
