package io.pigeonstreams.train;

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
import io.pigeonstreams.data.simulation.reaction.ReactionModel;
import io.pigeonstreams.data.simulation.reaction.ReactionNet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Trains the simulated users' {@link ReactionNet} on the TRAIN (emoji, style) pairs: style and
 * category, softmax cross-entropy on each. Its own network and seed (41), never the judges'.
 */
public final class ReactionTrainer {

  /** Settings; the defaults are what the committed reaction model was trained with. */
  public record Settings(int epochs, int batchSize, float learningRate, long seed, int maxSteps) {
    public static Settings defaults() {
      return new Settings(12, 128, 2e-3f, 41L, Integer.MAX_VALUE);
    }
  }

  /** Style and category accuracy on TRAIN and on the TEST pairs (held out). */
  public record Report(
      int trainImages,
      double trainStyle,
      double trainCategory,
      int heldOutImages,
      double heldOutStyle,
      double heldOutCategory,
      int steps,
      double firstLoss,
      double lastLoss,
      long millis) {}

  private ReactionTrainer() {}

  public static Report train(StickerDataset ds, Settings settings, Path outDir, boolean progress)
      throws IOException {
    long start = System.currentTimeMillis();
    List<int[]> train = ds.pairs(Split.TRAIN);
    List<String> categories = ReactionModel.categories(ds);
    Engine.getInstance().setRandomSeed((int) settings.seed());
    TrainingLoop.Result r =
        TrainingLoop.train(
            new Stage(ds, categories, train, settings),
            TrainingLoop.Schedule.epochs(
                settings.epochs(),
                train.size(),
                settings.batchSize(),
                settings.maxSteps(),
                settings.learningRate(),
                50f),
            TrainingLoop.Run.of(ReactionModel.NAME, outDir, "Training reactions", progress));
    List<int[]> heldOut = ds.pairs(Split.TEST);
    try (ReactionModel m = ReactionModel.load(outDir, ds)) {
      double[] a = accuracy(m, ds, categories, train);
      double[] b = accuracy(m, ds, categories, heldOut);
      return new Report(
          train.size(),
          a[0],
          a[1],
          heldOut.size(),
          b[0],
          b[1],
          r.steps(),
          r.firstLoss(),
          r.lastLoss(),
          System.currentTimeMillis() - start);
    }
  }

  private static double[] accuracy(
      ReactionModel m, StickerDataset ds, List<String> categories, List<int[]> pairs) {
    List<float[]> images = pairs.stream().map(p -> ds.image(p[0], p[1])).toList();
    List<ReactionModel.Perception> seen = m.perceive(images);
    int style = 0;
    int category = 0;
    for (int i = 0; i < pairs.size(); i++) {
      style += argmax(seen.get(i).style()) == pairs.get(i)[1] ? 1 : 0;
      category +=
          argmax(seen.get(i).category())
                  == categories.indexOf(ds.emoji().get(pairs.get(i)[0]).category())
              ? 1
              : 0;
    }
    return new double[] {style / (double) pairs.size(), category / (double) pairs.size()};
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static final class Stage implements TrainingLoop.Stage<List<int[]>> {
    private final StickerDataset ds;
    private final List<String> categories;
    private final List<int[]> train;
    private final Settings settings;
    private final Random rng;
    private final Loss loss = Loss.softmaxCrossEntropyLoss();

    Stage(StickerDataset ds, List<String> categories, List<int[]> train, Settings settings) {
      this.ds = ds;
      this.categories = categories;
      this.train = train;
      this.settings = settings;
      this.rng = new Random(settings.seed());
    }

    @Override
    public Block block() {
      return new ReactionNet(ds.styleCount(), categories.size());
    }

    @Override
    public Shape[] inputShapes() {
      return new Shape[] {new Shape(1, 3, StickerDataset.SIZE, StickerDataset.SIZE)};
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
      for (int from = 0; from < order.size(); from += settings.batchSize()) {
        batches.add(order.subList(from, Math.min(order.size(), from + settings.batchSize())));
      }
      return batches;
    }

    @Override
    public NDList loss(Trainer trainer, NDManager m, List<int[]> batch) {
      int px = StickerDataset.PIXELS;
      float[] flat = new float[batch.size() * px];
      float[] styles = new float[batch.size()];
      float[] cats = new float[batch.size()];
      for (int i = 0; i < batch.size(); i++) {
        int[] p = batch.get(i);
        System.arraycopy(ds.image(p[0], p[1]), 0, flat, i * px, px);
        styles[i] = p[1];
        cats[i] = categories.indexOf(ds.emoji().get(p[0]).category());
      }
      NDArray x = m.create(flat, new Shape(batch.size(), 3, 32, 32));
      NDList y = trainer.forward(new NDList(x));
      NDArray l =
          loss.evaluate(new NDList(m.create(styles)), new NDList(y.get(0)))
              .add(loss.evaluate(new NDList(m.create(cats)), new NDList(y.get(1))));
      return new NDList(l);
    }
  }
}
