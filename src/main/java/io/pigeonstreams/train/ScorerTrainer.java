package io.pigeonstreams.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

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
    TrainingLoop.Result r =
        TrainingLoop.train(
            new Stage(ds, windows, settings),
            // one "epoch" of randomly drawn batches
            new TrainingLoop.Schedule(
                1,
                settings.steps(),
                Integer.MAX_VALUE,
                settings.learningRate(),
                settings.learningRate() / 20f),
            TrainingLoop.Run.of(StyleEncoder.NAME, outDir, "Scorer (contrastive)", progress));
    double val;
    try (StyleEncoder encoder = StyleEncoder.load(outDir)) {
      val = valPreference(ds, benchmark.samples(Split.VAL), encoder);
    }
    return new Report(
        windows.size(),
        r.steps(),
        r.firstLoss(),
        r.recentLoss(),
        val,
        System.currentTimeMillis() - start);
  }

  /** Batches of (anchor, positive) pairs drawn from random TRAIN windows. */
  private static final class Stage implements TrainingLoop.Stage<float[]> {
    private final StickerDataset ds;
    private final List<Sample> windows;
    private final Settings settings;
    private final Random rng;

    Stage(StickerDataset ds, List<Sample> windows, Settings settings) {
      this.ds = ds;
      this.windows = windows;
      this.settings = settings;
      this.rng = new Random(settings.seed());
    }

    @Override
    public Block block() {
      return StyleEncoder.network();
    }

    @Override
    public Shape[] inputShapes() {
      return new Shape[] {new Shape(2L * settings.batchSize(), 3, 32, 32)};
    }

    @Override
    public Optimizer optimizer(Tracker learningRate) {
      return Optimizer.adamW().optLearningRateTracker(learningRate).build();
    }

    /** {@code steps} batches of images: B anchors, then their B positives, drawn as they go. */
    @Override
    public Iterable<float[]> batches(int epoch) {
      return () ->
          new Iterator<>() {
            int drawn;

            @Override
            public boolean hasNext() {
              return drawn < settings.steps();
            }

            @Override
            public float[] next() {
              drawn++;
              return draw();
            }
          };
    }

    private float[] draw() {
      int b = settings.batchSize();
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
      return flat;
    }

    /** Symmetric InfoNCE: each anchor's positive against the batch's other positives. */
    @Override
    public NDList loss(Trainer trainer, NDManager m, float[] flat) {
      int b = settings.batchSize();
      NDArray x = m.create(flat, new Shape(2L * b, 3, 32, 32)); // anchors, then positives
      NDArray e =
          StyleEncoder.normalize(trainer.forward(new NDList(x)).singletonOrThrow()); // (2B, 64)
      NDArray anchors = e.get("0:" + b); // (B, 64)
      NDArray positives = e.get(b + ":"); // (B, 64)
      NDArray logits = anchors.matMul(positives.transpose()).div(settings.temperature()); // (B, B)
      NDArray eye = m.eye(b);
      return new NDList(
          logits
              .logSoftmax(1)
              .mul(eye)
              .sum()
              .add(logits.logSoftmax(0).mul(eye).sum())
              .div(-2.0f * b));
    }
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
