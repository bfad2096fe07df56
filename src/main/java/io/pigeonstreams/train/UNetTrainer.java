package io.pigeonstreams.train;

import ai.djl.Model;
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
import io.pigeonstreams.data.simulation.Interaction;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.model.HalfWeights;
import io.pigeonstreams.model.StyleUNet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Trains the direct image-to-image baseline ({@link StyleUNet}) on cross-style TRAIN windows: the
 * reference is the target emoji in another style, the target is the same emoji in the user's style
 * (the ground truth), the history is the window's. A window whose reference or ground truth is a
 * held-out (emoji, style) pair is left out, so no held-out pair is ever an input or a target.
 */
public final class UNetTrainer {

  public static final String NAME = "unet";

  /** Training settings; the defaults are what the committed baseline was trained with. */
  public record Settings(
      int epochs, int batchSize, float learningRate, long seed, long simulationSeed, double noise) {
    public static Settings defaults() {
      return new Settings(8, 32, 3e-4f, 23L, 1L, 0.2);
    }
  }

  public record Report(int samples, int steps, double firstLoss, double lastLoss, long millis) {}

  private UNetTrainer() {}

  public static Report train(
      StickerDataset ds, Settings settings, Path outDir, boolean resume, int maxSteps)
      throws IOException {
    long start = System.currentTimeMillis();
    List<Sample> samples = new ArrayList<>();
    for (Sample s :
        new UserSimulator(ds)
            .simulate(SimulationConfig.defaults(settings.simulationSeed(), settings.noise()))
            .samples(Split.TRAIN)) {
      if (train(ds, s.reference()) && train(ds, s.groundTruth())) {
        samples.add(s);
      }
    }
    Engine.getInstance().setRandomSeed((int) settings.seed());
    TrainingLoop.Result r =
        TrainingLoop.train(
            new Stage(ds, samples, settings),
            TrainingLoop.Schedule.epochs(
                settings.epochs(),
                samples.size(),
                settings.batchSize(),
                maxSteps,
                settings.learningRate(),
                20f),
            new TrainingLoop.Run(
                NAME, outDir, "U-Net baseline", true, true, resume, settings.toString()));
    return new Report(
        samples.size(), r.steps(), r.firstLoss(), r.lastLoss(), System.currentTimeMillis() - start);
  }

  private static boolean train(StickerDataset ds, Interaction i) {
    return ds.splitOf(i.emoji(), i.style()) == Split.TRAIN;
  }

  private static final class Stage implements TrainingLoop.Stage<List<Sample>> {
    private final StickerDataset ds;
    private final List<Sample> samples;
    private final int batchSize;
    private final Random rng;
    private final StyleUNet net = new StyleUNet();

    Stage(StickerDataset ds, List<Sample> samples, Settings settings) {
      this.ds = ds;
      this.samples = samples;
      this.batchSize = settings.batchSize();
      this.rng = new Random(settings.seed());
    }

    @Override
    public Block block() {
      return net;
    }

    @Override
    public Shape[] inputShapes() {
      return new Shape[] {new Shape(1, 3, 32, 32), new Shape(1, 5, 3, 32, 32)};
    }

    @Override
    public Optimizer optimizer(Tracker learningRate) {
      return Optimizer.adam().optLearningRateTracker(learningRate).build();
    }

    @Override
    public Iterable<List<Sample>> batches(int epoch) {
      List<Sample> order = new ArrayList<>(samples);
      Collections.shuffle(order, rng);
      List<List<Sample>> batches = new ArrayList<>();
      for (int from = 0; from + batchSize <= order.size(); from += batchSize) {
        batches.add(order.subList(from, from + batchSize));
      }
      return batches;
    }

    @Override
    public NDList loss(Trainer trainer, NDManager m, List<Sample> batch) {
      NDList in = inputs(m, ds, batch);
      NDArray target = images(m, ds, batch.stream().map(Sample::groundTruth).toList());
      NDArray y = trainer.forward(in).singletonOrThrow(); // (B, 3, 32, 32)
      NDArray diff = y.sub(target);
      return new NDList(diff.abs().mean().add(diff.square().mean())); // L1 + MSE
    }

    @Override
    public void save(Model model, Path outDir) throws IOException {
      HalfWeights.save(net, HalfWeights.file(outDir, model.getName()));
    }
  }

  /** A batch's inputs: references (B, 3, 32, 32) and histories (B, N, 3, 32, 32). */
  static NDList inputs(NDManager m, StickerDataset ds, List<Sample> batch) {
    NDArray refs = images(m, ds, batch.stream().map(Sample::reference).toList());
    int n = batch.get(0).history().size();
    List<Interaction> all = new ArrayList<>();
    batch.forEach(s -> all.addAll(s.history()));
    NDArray hist = images(m, ds, all).reshape(batch.size(), n, 3, 32, 32);
    return new NDList(refs, hist);
  }

  static NDArray images(NDManager m, StickerDataset ds, List<Interaction> items) {
    float[] flat = new float[items.size() * StickerDataset.PIXELS];
    for (int i = 0; i < items.size(); i++) {
      Interaction it = items.get(i);
      System.arraycopy(
          ds.image(it.emoji(), it.style()),
          0,
          flat,
          i * StickerDataset.PIXELS,
          StickerDataset.PIXELS);
    }
    return m.create(flat, new Shape(items.size(), 3, 32, 32));
  }
}
