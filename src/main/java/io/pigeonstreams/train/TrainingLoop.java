package io.pigeonstreams.train;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;

/**
 * The one training loop every stage runs on (tokenizer, scorer, stage 1, stage 2, the benchmark's
 * judges), in the spirit of DJL's {@code EasyTrain}: the schedule (epochs, a step cap, a cosine
 * learning rate), the progress bar, epoch checkpoints and resume ({@link Checkpoint}), the loss
 * summary and the wall time. A {@link Stage} says only what is its own: the network, the batches of
 * an epoch, the loss of a batch, the optimizer and how the result is saved.
 */
public final class TrainingLoop {

  /** Steps at the end of a run whose loss (and metrics) {@link Result#recent} averages. */
  public static final int RECENT = 20;

  /**
   * One training stage on the loop.
   *
   * @param <B> what a batch is before it becomes arrays (sample indices, prompts, pairs...)
   */
  public interface Stage<B> {

    /** The network, not yet initialized. */
    Block block();

    /** Input shapes the block is initialized with. */
    Shape[] inputShapes();

    /** The optimizer, driven by the loop's learning-rate schedule. */
    Optimizer optimizer(Tracker learningRate);

    /**
     * The batches of one epoch, in training order. Called at the start of each epoch (also for the
     * epochs a resumed run skips, so the random draws of the data order replay).
     */
    Iterable<B> batches(int epoch);

    /**
     * The loss of one batch (first) and any metrics of it (scalars, named by {@link #metrics}),
     * computed while the gradient is recorded. Arrays made in {@code m} are closed after the step.
     */
    NDList loss(Trainer trainer, NDManager m, B batch);

    /** Names of the metrics {@link #loss} returns after the loss (shown and averaged). */
    default List<String> metrics() {
      return List.of();
    }

    /** Weights the run starts from when it does not resume (default: the initializer's). */
    default void startFrom(Model model) throws IOException {}

    /** Called after the optimizer step numbered {@code step} (0-based). */
    default void afterStep(int step) {}

    /** Saves the trained weights into {@code outDir} (default: DJL params, always epoch 0). */
    default void save(Model model, Path outDir) throws IOException {
      Files.createDirectories(outDir);
      model.setProperty("Epoch", "0"); // always <name>-0000.params, never -0001
      model.save(outDir, model.getName());
    }
  }

  /**
   * How long and how fast: {@code epochs} of {@code stepsPerEpoch} steps, stopped after {@code
   * maxSteps}; the learning rate falls on a cosine from {@code learningRate} to {@code
   * finalLearningRate} over the steps of the run.
   */
  public record Schedule(
      int epochs, int stepsPerEpoch, int maxSteps, float learningRate, float finalLearningRate) {

    /** Epochs over {@code items} in batches of {@code batchSize} (the last one may be short). */
    public static Schedule epochs(
        int epochs, int items, int batchSize, int maxSteps, float learningRate, float divisor) {
      int stepsPerEpoch = (items + batchSize - 1) / batchSize;
      return new Schedule(epochs, stepsPerEpoch, maxSteps, learningRate, learningRate / divisor);
    }

    int totalSteps() {
      return (int) Math.min(maxSteps, (long) epochs * stepsPerEpoch);
    }
  }

  /**
   * Where and how a run goes.
   *
   * @param name the model's name: its weights file and its checkpoint folder {@code
   *     <outDir>/<name>.resume/}
   * @param label the progress bar's title
   * @param checkpoints save a checkpoint at the end of every epoch but the last
   * @param resume continue from the checkpoint, if there is one
   * @param fingerprint the settings of the run: a checkpoint made with others is refused
   */
  public record Run(
      String name,
      Path outDir,
      String label,
      boolean progress,
      boolean checkpoints,
      boolean resume,
      String fingerprint) {

    /** A run without checkpoints. */
    public static Run of(String name, Path outDir, String label, boolean progress) {
      return new Run(name, outDir, label, progress, false, false, "");
    }
  }

  /**
   * What a run did.
   *
   * @param steps optimizer steps counted from the start of the run (a resumed run counts the
   *     earlier epochs' too)
   * @param firstLoss loss of the first step of this process
   * @param lastLoss loss of the last step
   * @param recent mean loss, then mean of each metric, over the last {@link #RECENT} steps
   */
  public record Result(int steps, double firstLoss, double lastLoss, double[] recent, long millis) {

    double recentLoss() {
      return recent[0];
    }

    double recentMetric(int i) {
      return recent[1 + i];
    }
  }

  private TrainingLoop() {}

  public static <B> Result train(Stage<B> stage, Schedule schedule, Run run) throws IOException {
    long start = System.currentTimeMillis();
    int totalSteps = schedule.totalSteps();
    Checkpoint checkpoint = new Checkpoint(run.outDir(), run.name());
    Checkpoint.Progress done = resumePoint(checkpoint, run);
    int metrics = stage.metrics().size();
    double[] recent = new double[1 + metrics];
    int recentCount = 0;
    double firstLoss = Double.NaN;
    double lastLoss = Double.NaN;
    int step = 0;
    try (Model model = Model.newInstance(run.name())) {
      Block block = stage.block();
      model.setBlock(block);
      Shape[] shapes = stage.inputShapes();
      int firstEpoch = 0;
      if (done != null && done.epochs() > 0) {
        block.initialize(model.getNDManager(), DataType.FLOAT32, shapes);
        checkpoint.loadInto(model);
        firstEpoch = done.epochs();
        step = done.steps();
        for (int epoch = 0; epoch < firstEpoch; epoch++) {
          stage.batches(epoch).forEach(b -> {}); // same data order and random draws
        }
      } else {
        stage.startFrom(model);
      }
      Tracker cosine =
          Tracker.cosine()
              .setBaseValue(schedule.learningRate())
              .optFinalValue(schedule.finalLearningRate())
              .setMaxUpdates(Math.max(1, totalSteps))
              .build();
      int offset = step; // a resumed run continues the schedule where it was
      Tracker learningRate = update -> cosine.getNewValue(update + offset);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(stage.optimizer(learningRate));
      try (Trainer trainer = model.newTrainer(config);
          ProgressBar bar = run.progress() ? new ProgressBar(run.label(), totalSteps) : null) {
        trainer.initialize(shapes); // keeps loaded weights, turns on their gradients
        if (bar != null) {
          bar.stepTo(step);
        }
        training:
        for (int epoch = firstEpoch; epoch < schedule.epochs(); epoch++) {
          if (run.checkpoints() && epoch > firstEpoch) {
            checkpoint.save(model, new Checkpoint.Progress(epoch, step, run.fingerprint()));
          }
          for (B batch : stage.batches(epoch)) {
            if (step >= totalSteps) {
              break training;
            }
            double[] values = new double[1 + metrics];
            try (NDManager m = trainer.getManager().newSubManager()) {
              try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList out = stage.loss(trainer, m, batch);
                gc.backward(out.get(0));
                for (int i = 0; i < values.length; i++) {
                  values[i] = out.get(i).getFloat();
                }
              }
              if (!Double.isFinite(values[0])) {
                // never save a diverged model
                throw new IllegalStateException(
                    run.label() + ": loss is " + values[0] + " at step " + step);
              }
              trainer.step();
            }
            stage.afterStep(step);
            if (Double.isNaN(firstLoss)) {
              firstLoss = values[0];
            }
            lastLoss = values[0];
            if (step >= totalSteps - RECENT) {
              for (int i = 0; i < values.length; i++) {
                recent[i] += values[i];
              }
              recentCount++;
            }
            step++;
            if (bar != null) {
              bar.step();
              bar.setExtraMessage(message(stage.metrics(), values));
            }
          }
        }
      }
      stage.save(model, run.outDir());
      if (run.checkpoints()) {
        checkpoint.delete();
      }
    }
    for (int i = 0; i < recent.length; i++) {
      recent[i] /= Math.max(1, recentCount);
    }
    return new Result(step, firstLoss, lastLoss, recent, System.currentTimeMillis() - start);
  }

  /**
   * The checkpoint a resumed run continues from (none yet: from the start); null without resume.
   */
  private static Checkpoint.Progress resumePoint(Checkpoint checkpoint, Run run)
      throws IOException {
    if (!run.resume()) {
      return null;
    }
    Checkpoint.Progress done =
        checkpoint.progress().orElse(new Checkpoint.Progress(0, 0, run.fingerprint()));
    if (!done.settings().equals(run.fingerprint())) {
      throw new IllegalArgumentException(
          "cannot resume: the checkpoint in "
              + run.outDir()
              + " was made with "
              + done.settings()
              + ", this run has "
              + run.fingerprint());
    }
    return done;
  }

  private static String message(List<String> names, double[] values) {
    StringBuilder sb =
        new StringBuilder(String.format(java.util.Locale.ROOT, " loss %.4f", values[0]));
    for (int i = 0; i < names.size(); i++) {
      sb.append(String.format(java.util.Locale.ROOT, " %s %.3f", names.get(i), values[1 + i]));
    }
    return sb.toString();
  }
}
