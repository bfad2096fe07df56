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
import io.pigeonstreams.eval.judge.JudgeTrainer;
import io.pigeonstreams.eval.metrics.MsSsim;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.TokenizerConfig;
import io.pigeonstreams.model.VqAutoencoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import me.tongfei.progressbar.ProgressBar;

/**
 * Trains the VQ tokenizer on the real images of TRAIN (emoji, style) pairs (never a held-out pair)
 * and measures reconstruction on the held-out TEST pairs.
 */
public final class TokenizerTrainer {

  /** Training settings; the defaults are what the committed tokenizer was trained with. */
  public record Settings(int epochs, int batchSize, float learningRate, long seed) {
    public static Settings defaults() {
      return new Settings(30, 64, 2e-3f, 11L);
    }
  }

  /** Held-out reconstruction quality and how much of the codebook is used. */
  public record Report(
      int trainImages,
      int heldOutImages,
      double firstLoss,
      double lastLoss,
      double heldOutMsSsim,
      double heldOutPsnr,
      int codesUsed,
      long millis) {}

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
    long start = System.currentTimeMillis();
    List<int[]> train = JudgeTrainer.pairs(ds, Split.TRAIN);
    List<int[]> heldOut = JudgeTrainer.pairs(ds, Split.TEST);
    Engine.getInstance().setRandomSeed((int) settings.seed());
    Random rng = new Random(settings.seed());
    int stepsPerEpoch = (train.size() + settings.batchSize() - 1) / settings.batchSize();
    int totalSteps = Math.min(maxSteps, settings.epochs() * stepsPerEpoch);
    double firstLoss = Double.NaN;
    double lastLoss = Double.NaN;
    try (Model model = Model.newInstance(PigeonTokenizer.NAME)) {
      VqAutoencoder net = new VqAutoencoder(config);
      model.setBlock(net);
      DefaultTrainingConfig trainingConfig =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optOptimizer(
                  Optimizer.adam()
                      .optLearningRateTracker(
                          Tracker.cosine()
                              .setBaseValue(settings.learningRate())
                              .optFinalValue(settings.learningRate() / 50f)
                              .setMaxUpdates(Math.max(1, totalSteps))
                              .build())
                      .build());
      int step = 0;
      CodeUsage usage = new CodeUsage(config.codebookSize(), config.codeDim());
      try (Trainer trainer = model.newTrainer(trainingConfig);
          ProgressBar bar = progress ? new ProgressBar("Training tokenizer", totalSteps) : null) {
        trainer.initialize(new Shape(1, 3, 32, 32));
        training:
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
          List<int[]> order = new ArrayList<>(train);
          Collections.shuffle(order, rng);
          for (int from = 0; from < order.size(); from += settings.batchSize()) {
            if (step >= totalSteps) {
              break training;
            }
            List<int[]> batch =
                order.subList(from, Math.min(order.size(), from + settings.batchSize()));
            try (NDManager m = trainer.getManager().newSubManager()) {
              NDArray x = images(m, ds, batch); // (B, 3, 32, 32)
              try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList out = trainer.forward(new NDList(x));
                // reconstruction (mean squared error) + codebook + commitment losses
                NDArray loss = out.get(0).sub(x).square().mean().add(out.get(1));
                gc.backward(loss);
                lastLoss = loss.getFloat();
                usage.record(out.get(2).toLongArray(), out.get(3));
                if (Double.isNaN(firstLoss)) {
                  firstLoss = lastLoss;
                }
              }
              trainer.step();
              if (step % RESTART_EVERY == RESTART_EVERY - 1) {
                usage.restartDeadCodes(net.quantizer().codebook().getArray(), rng);
              }
            }
            step++;
            if (bar != null) {
              bar.step();
              bar.setExtraMessage(String.format(" loss %.4f", lastLoss));
            }
          }
        }
      }
      Files.createDirectories(outDir);
      model.setProperty("Epoch", "0"); // always <name>-0000.params, never -0001
      model.save(outDir, PigeonTokenizer.NAME);
    }
    try (PigeonTokenizer tokenizer = PigeonTokenizer.load(outDir, config)) {
      double[] quality = reconstruction(tokenizer, ds, heldOut);
      return new Report(
          train.size(),
          heldOut.size(),
          firstLoss,
          lastLoss,
          quality[0],
          quality[1],
          (int) quality[2],
          System.currentTimeMillis() - start);
    }
  }

  /** Mean MS-SSIM and PSNR of tokenize -> decode on real images of the given pairs, codes used. */
  public static double[] reconstruction(
      PigeonTokenizer tokenizer, StickerDataset ds, List<int[]> pairs) {
    double msssim = 0;
    double psnr = 0;
    Set<Integer> used = new HashSet<>();
    for (int from = 0; from < pairs.size(); from += 256) {
      List<float[]> images = new ArrayList<>();
      for (int[] p : pairs.subList(from, Math.min(pairs.size(), from + 256))) {
        images.add(ds.image(p[0], p[1]));
      }
      List<int[]> tokens = tokenizer.tokenize(images);
      tokens.forEach(t -> java.util.Arrays.stream(t).forEach(used::add));
      List<float[]> decoded = tokenizer.decode(tokens);
      for (int i = 0; i < images.size(); i++) {
        msssim += MsSsim.compute(images.get(i), decoded.get(i), 3, 32, 32);
        psnr += psnr(images.get(i), decoded.get(i));
      }
    }
    return new double[] {msssim / pairs.size(), psnr / pairs.size(), used.size()};
  }

  static double psnr(float[] a, float[] b) {
    double mse = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      mse += d * d;
    }
    mse /= a.length;
    return mse == 0 ? 99.0 : 10 * Math.log10(1.0 / mse);
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
