package io.pigeonstreams.eval.judge;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.train.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Trains a judge on the real images of TRAIN (emoji, style) pairs only, and measures it on the
 * held-out TEST pairs: images of emoji in a style the judge has never seen them in.
 */
public final class JudgeTrainer {

  /** What a judge is asked: which style an image is in, or which emoji it shows. */
  public enum Kind {
    STYLE(Judge.STYLE),
    IDENTITY(Judge.IDENTITY);

    final String modelName;

    Kind(String modelName) {
      this.modelName = modelName;
    }

    int classes(StickerDataset ds) {
      return this == STYLE ? ds.styleCount() : ds.emojiCount();
    }

    int label(int emoji, int style) {
      return this == STYLE ? style : emoji;
    }
  }

  /** Training settings; the defaults are what the committed judges were trained with. */
  public record Settings(
      int epochs, int batchSize, float learningRate, long seed, int maxShift, int maxSteps) {
    public static Settings defaults(Kind kind) {
      return new Settings(kind == Kind.STYLE ? 20 : 60, 128, 2e-3f, 7L, 2, Integer.MAX_VALUE);
    }
  }

  /** Accuracies of a trained judge; top-5 is reported for the identity judge. */
  public record Report(
      Kind kind,
      int epochs,
      int trainImages,
      int heldOutImages,
      double trainAccuracy,
      double heldOutAccuracy,
      double heldOutTop5,
      long millis,
      int steps,
      double firstLoss,
      double lastLoss) {}

  private JudgeTrainer() {}

  public static Report train(
      StickerDataset ds, Kind kind, Settings settings, Path outDir, boolean progress)
      throws IOException {
    long start = System.currentTimeMillis();
    List<int[]> train = ds.pairs(Split.TRAIN);
    List<int[]> heldOut = ds.pairs(Split.TEST);
    int classes = kind.classes(ds);
    Engine.getInstance().setRandomSeed((int) settings.seed());
    TrainingLoop.Result r =
        TrainingLoop.train(
            new Stage(ds, kind, train, settings),
            TrainingLoop.Schedule.epochs(
                settings.epochs(),
                train.size(),
                settings.batchSize(),
                settings.maxSteps(),
                settings.learningRate(),
                100f),
            TrainingLoop.Run.of(kind.modelName, outDir, "Training " + kind.modelName, progress));
    try (Judge judge = Judge.load(outDir, kind.modelName, classes)) {
      double[] trainAcc = accuracy(judge, ds, kind, train);
      double[] heldAcc = accuracy(judge, ds, kind, heldOut);
      return new Report(
          kind,
          settings.epochs(),
          train.size(),
          heldOut.size(),
          trainAcc[0],
          heldAcc[0],
          heldAcc[1],
          System.currentTimeMillis() - start,
          r.steps(),
          r.firstLoss(),
          r.lastLoss());
    }
  }

  /** Shuffled TRAIN pairs, each image shifted at random; softmax cross-entropy on the labels. */
  private static final class Stage implements TrainingLoop.Stage<List<int[]>> {
    private final StickerDataset ds;
    private final Kind kind;
    private final List<int[]> train;
    private final Settings settings;
    private final SplittableRandom rng;
    private final Loss loss = Loss.softmaxCrossEntropyLoss();

    Stage(StickerDataset ds, Kind kind, List<int[]> train, Settings settings) {
      this.ds = ds;
      this.kind = kind;
      this.train = train;
      this.settings = settings;
      this.rng = new SplittableRandom(settings.seed());
    }

    @Override
    public Block block() {
      return JudgeNet.classifier(kind.classes(ds));
    }

    @Override
    public Shape[] inputShapes() {
      return new Shape[] {new Shape(1, 3, StickerDataset.SIZE, StickerDataset.SIZE)};
    }

    @Override
    public Optimizer optimizer(Tracker learningRate) {
      return Optimizer.adam().optLearningRateTracker(learningRate).optWeightDecays(1e-4f).build();
    }

    @Override
    public Iterable<List<int[]>> batches(int epoch) {
      List<int[]> order = new ArrayList<>(train);
      Collections.shuffle(order, new Random(rng.nextLong()));
      List<List<int[]>> batches = new ArrayList<>();
      for (int from = 0; from < order.size(); from += settings.batchSize()) {
        batches.add(order.subList(from, Math.min(order.size(), from + settings.batchSize())));
      }
      return batches;
    }

    @Override
    public NDList loss(Trainer trainer, NDManager m, List<int[]> batch) {
      NDArray x = images(m, ds, batch, rng, settings.maxShift());
      NDArray y = labels(m, kind, batch);
      NDList pred = trainer.forward(new NDList(x));
      return new NDList(loss.evaluate(new NDList(y), pred));
    }
  }

  /** Top-1 and top-5 accuracy of a judge on real images of the given pairs. */
  public static double[] accuracy(Judge judge, StickerDataset ds, Kind kind, List<int[]> pairs) {
    List<float[]> imgs = new ArrayList<>();
    for (int[] p : pairs) {
      imgs.add(ds.image(p[0], p[1]));
    }
    Judge.Output out = judge.apply(imgs);
    int top1 = 0;
    int top5 = 0;
    for (int i = 0; i < pairs.size(); i++) {
      int label = kind.label(pairs.get(i)[0], pairs.get(i)[1]);
      int rank = Ranking.rankOf(out.logits()[i], label);
      top1 += rank == 0 ? 1 : 0;
      top5 += rank < 5 ? 1 : 0;
    }
    return new double[] {top1 / (double) pairs.size(), top5 / (double) pairs.size()};
  }

  /** A batch of images, each shifted by up to maxShift pixels (white fill) for robustness. */
  private static NDArray images(
      NDManager m, StickerDataset ds, List<int[]> batch, SplittableRandom rng, int maxShift) {
    int size = StickerDataset.SIZE;
    int plane = size * size;
    float[] flat = new float[batch.size() * StickerDataset.PIXELS];
    for (int i = 0; i < batch.size(); i++) {
      float[] img = ds.image(batch.get(i)[0], batch.get(i)[1]);
      int dx = rng.nextInt(2 * maxShift + 1) - maxShift;
      int dy = rng.nextInt(2 * maxShift + 1) - maxShift;
      int base = i * StickerDataset.PIXELS;
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < size; y++) {
          for (int x = 0; x < size; x++) {
            int sx = x - dx;
            int sy = y - dy;
            boolean inside = sx >= 0 && sx < size && sy >= 0 && sy < size;
            flat[base + c * plane + y * size + x] = inside ? img[c * plane + sy * size + sx] : 1f;
          }
        }
      }
    }
    return m.create(flat, new Shape(batch.size(), 3, size, size)); // (B, 3, 32, 32)
  }

  private static NDArray labels(NDManager m, Kind kind, List<int[]> batch) {
    float[] y = new float[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      y[i] = kind.label(batch.get(i)[0], batch.get(i)[1]);
    }
    return m.create(y);
  }
}
