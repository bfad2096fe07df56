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
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.TokenizerConfig;
import io.pigeonstreams.model.TokenizerNet;
import io.pigeonstreams.model.VqAutoencoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Trains the VQ tokenizer on the real images of TRAIN (emoji, style) pairs (never a held-out pair).
 * Its reconstruction of the held-out TEST pairs is measured by {@code eval.metrics.Reconstruction},
 * which the {@code train tokenizer} command reports in the card.
 */
public final class TokenizerTrainer {

  /** Training settings; the defaults are what the committed tokenizer was trained with. */
  public record Settings(int epochs, int batchSize, float learningRate, long seed) {
    public static Settings defaults() {
      return new Settings(30, 64, 2e-3f, 11L);
    }

    /**
     * Tokenizer v2: fewer, costlier epochs (an 8x8 grid decodes from twice the resolution), and
     * half the learning rate: at 2e-3 the decoder's sigmoid saturates on the white background
     * within a few steps and the network settles on the mean image for good.
     */
    public static Settings v2() {
      return new Settings(16, 64, 1e-3f, 11L);
    }
  }

  /** How training went; held-out reconstruction is measured in {@code eval.metrics}. */
  public record Report(int trainImages, double firstLoss, double lastLoss, long millis) {}

  /** Every this many steps, codes no input chose since the last restart are re-seeded. */
  static final int RESTART_EVERY = 50;

  private TokenizerTrainer() {}

  /** Counts code use between restarts and keeps a sample of recent encoder vectors. */
  static final class CodeUsage {
    private final int[] counts;
    private final int dim;
    private float[] recent = new float[0];

    CodeUsage(int codebookSize, int dim) {
      this.counts = new int[codebookSize];
      this.dim = dim;
    }

    void record(long[] tokens, NDArray vectors) {
      for (long t : tokens) {
        counts[(int) t]++;
      }
      recent = vectors.toFloatArray(); // (N, D) of the latest batch
    }

    /** Moves each unused code onto a random recent encoder vector; returns how many moved. */
    int restartDeadCodes(NDArray codebook, Random rng) {
      float[] cb = codebook.toFloatArray();
      int n = recent.length / dim;
      int moved = 0;
      for (int k = 0; k < counts.length && n > 0; k++) {
        if (counts[k] == 0) {
          System.arraycopy(recent, rng.nextInt(n) * dim, cb, k * dim, dim);
          moved++;
        }
      }
      if (moved > 0) {
        codebook.set(cb);
      }
      java.util.Arrays.fill(counts, 0);
      return moved;
    }
  }

  public static Report train(
      StickerDataset ds,
      TokenizerConfig config,
      Settings settings,
      Path outDir,
      boolean progress,
      int maxSteps)
      throws IOException {
    return train(
        ds,
        config,
        settings,
        null,
        TrainingLoop.Run.of(PigeonTokenizer.NAME, outDir, "Training tokenizer", progress),
        maxSteps);
  }

  /**
   * @param perceptual a network of this project's own (the taste encoder, never a judge) whose
   *     feature maps the reconstruction must match, or null for pixels only
   * @param run the weights' name, folder, checkpoints and resume
   */
  public static Report train(
      StickerDataset ds,
      TokenizerConfig config,
      Settings settings,
      FeatureLoss perceptual,
      TrainingLoop.Run run,
      int maxSteps)
      throws IOException {
    long start = System.currentTimeMillis();
    List<int[]> train = ds.pairs(Split.TRAIN);
    Engine.getInstance().setRandomSeed((int) settings.seed());
    TrainingLoop.Result r =
        TrainingLoop.train(
            new Stage(ds, config, train, settings, perceptual),
            TrainingLoop.Schedule.epochs(
                settings.epochs(),
                train.size(),
                settings.batchSize(),
                maxSteps,
                settings.learningRate(),
                50f),
            run);
    return new Report(
        train.size(), r.firstLoss(), r.lastLoss(), System.currentTimeMillis() - start);
  }

  private static final class Stage implements TrainingLoop.Stage<List<int[]>> {
    private final StickerDataset ds;
    private final List<int[]> train;
    private final int batchSize;
    private final Random rng;
    private final TokenizerNet net;
    private final CodeUsage usage; // VQ only: FSQ has no codebook to restart
    private final FeatureLoss perceptual;

    Stage(
        StickerDataset ds,
        TokenizerConfig config,
        List<int[]> train,
        Settings settings,
        FeatureLoss perceptual) {
      this.ds = ds;
      this.train = train;
      this.batchSize = settings.batchSize();
      this.rng = new Random(settings.seed());
      this.net = TokenizerNet.of(config);
      this.usage = config.isFsq() ? null : new CodeUsage(config.codebookSize(), config.codeDim());
      this.perceptual = perceptual;
    }

    @Override
    public Block block() {
      return net;
    }

    @Override
    public Shape[] inputShapes() {
      return new Shape[] {new Shape(1, 3, 32, 32)};
    }

    @Override
    public Optimizer optimizer(Tracker learningRate) {
      return Optimizer.adam().optLearningRateTracker(learningRate).build();
    }

    @Override
    public Iterable<List<int[]>> batches(int epoch) {
      List<int[]> order = new ArrayList<>(train);
      Collections.shuffle(order, rng);
      List<List<int[]>> batches = new ArrayList<>();
      for (int from = 0; from < order.size(); from += batchSize) {
        batches.add(order.subList(from, Math.min(order.size(), from + batchSize)));
      }
      return batches;
    }

    @Override
    public NDList loss(Trainer trainer, NDManager m, List<int[]> batch) {
      NDArray x = images(m, ds, batch); // (B, 3, 32, 32)
      NDList out = trainer.forward(new NDList(x));
      if (usage != null) {
        usage.record(out.get(2).toLongArray(), out.get(3));
      }
      // reconstruction (mean squared error) + codebook + commitment losses (VQ)
      NDArray loss = out.get(0).sub(x).square().mean().add(out.get(1));
      if (perceptual != null) {
        loss = loss.add(perceptual.loss(out.get(0), x)); // + feature-map distance
      }
      return new NDList(loss);
    }

    @Override
    public void afterStep(int step) {
      if (usage != null && step % RESTART_EVERY == RESTART_EVERY - 1) {
        usage.restartDeadCodes(((VqAutoencoder) net).quantizer().codebook().getArray(), rng);
      }
    }
  }

  private static NDArray images(NDManager m, StickerDataset ds, List<int[]> batch) {
    float[] flat = new float[batch.size() * StickerDataset.PIXELS];
    for (int i = 0; i < batch.size(); i++) {
      System.arraycopy(
          ds.image(batch.get(i)[0], batch.get(i)[1]),
          0,
          flat,
          i * StickerDataset.PIXELS,
          StickerDataset.PIXELS);
    }
    return m.create(flat, new Shape(batch.size(), 3, 32, 32));
  }
}
