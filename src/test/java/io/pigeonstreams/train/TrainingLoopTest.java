package io.pigeonstreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop on a stage small enough to reason about: a linear regression, 5 batches an epoch. */
class TrainingLoopTest {

  private static final int ITEMS = 40;
  private static final int BATCH = 8;
  private static final int EPOCHS = 3;

  /** y = x . (1, -2, 3, 0.5) on 40 fixed inputs, plain SGD (no optimizer state to lose). */
  static final class Regression implements TrainingLoop.Stage<List<Integer>> {
    final float[][] x = new float[ITEMS][4];
    final float[] y = new float[ITEMS];
    final Random order = new Random(5);
    final List<List<Integer>> seen = new ArrayList<>();
    final List<Integer> epochsAsked = new ArrayList<>();
    int failAt = -1;
    float[] savedWeights;

    Regression() {
      Engine.getInstance().setRandomSeed(7); // the same initial weights in every run
      Random data = new Random(1);
      float[] w = {1, -2, 3, 0.5f};
      for (int i = 0; i < ITEMS; i++) {
        for (int j = 0; j < 4; j++) {
          x[i][j] = (float) data.nextGaussian();
          y[i] += w[j] * x[i][j];
        }
      }
    }

    @Override
    public Block block() {
      return Linear.builder().setUnits(1).build();
    }

    @Override
    public Shape[] inputShapes() {
      return new Shape[] {new Shape(BATCH, 4)};
    }

    @Override
    public Optimizer optimizer(Tracker learningRate) {
      return Optimizer.sgd().setLearningRateTracker(learningRate).build();
    }

    @Override
    public Iterable<List<Integer>> batches(int epoch) {
      epochsAsked.add(epoch);
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < ITEMS; i++) {
        idx.add(i);
      }
      Collections.shuffle(idx, order);
      List<List<Integer>> out = new ArrayList<>();
      for (int from = 0; from < ITEMS; from += BATCH) {
        out.add(idx.subList(from, from + BATCH));
      }
      return out;
    }

    @Override
    public NDList loss(Trainer trainer, NDManager m, List<Integer> batch) {
      if (seen.size() == failAt) {
        throw new IllegalStateException("interrupted");
      }
      seen.add(batch);
      float[] xs = new float[BATCH * 4];
      float[] ys = new float[BATCH];
      for (int i = 0; i < BATCH; i++) {
        System.arraycopy(x[batch.get(i)], 0, xs, i * 4, 4);
        ys[i] = y[batch.get(i)];
      }
      NDArray pred = trainer.forward(new NDList(m.create(xs, new Shape(BATCH, 4)))).head();
      return new NDList(pred.reshape(BATCH).sub(m.create(ys)).square().mean());
    }

    @Override
    public void save(Model model, Path outDir) throws IOException {
      savedWeights =
          model.getBlock().getParameters().valueAt(0).getArray().toFloatArray(); // (1, 4)
      TrainingLoop.Stage.super.save(model, outDir);
    }
  }

  private static final TrainingLoop.Schedule SCHEDULE =
      TrainingLoop.Schedule.epochs(EPOCHS, ITEMS, BATCH, Integer.MAX_VALUE, 0.2f, 10f);

  private static TrainingLoop.Run run(Path dir, boolean resume, String fingerprint) {
    return new TrainingLoop.Run("regression", dir, "test", false, true, resume, fingerprint);
  }

  @Test
  void shouldLowerTheLossAndCountStepsOverEpochs(@TempDir Path dir) throws Exception {
    // Given a stage of 5 batches an epoch
    Regression stage = new Regression();

    // When it runs for 3 epochs
    TrainingLoop.Result r = TrainingLoop.train(stage, SCHEDULE, run(dir, false, "a"));

    // Then it took 15 steps, learned, saved its weights and left no checkpoint behind
    assertThat(r.steps()).isEqualTo(15);
    assertThat(stage.seen).hasSize(15);
    assertThat(r.lastLoss()).isLessThan(r.firstLoss() / 4);
    assertThat(dir.resolve("regression-0000.params")).isRegularFile();
    assertThat(dir.resolve("regression.resume")).doesNotExist();
  }

  @Test
  void shouldStopAtTheStepCap(@TempDir Path dir) throws Exception {
    Regression stage = new Regression();
    TrainingLoop.Schedule capped = new TrainingLoop.Schedule(EPOCHS, 5, 7, 0.2f, 0.02f);

    TrainingLoop.Result r = TrainingLoop.train(stage, capped, run(dir, false, "a"));

    assertThat(r.steps()).isEqualTo(7);
    assertThat(stage.seen).hasSize(7);
  }

  @Test
  void shouldResumeAnInterruptedRunAtTheNextEpochWithTheSameState(@TempDir Path dir)
      throws Exception {
    // Given an uninterrupted run, and the same run killed in its third epoch (step 12 of 15)
    Regression full = new Regression();
    TrainingLoop.train(full, SCHEDULE, run(dir.resolve("full"), false, "a"));
    Regression killed = new Regression();
    killed.failAt = 12;
    assertThatThrownBy(
            () -> TrainingLoop.train(killed, SCHEDULE, run(dir.resolve("resumed"), true, "a")))
        .hasMessage("interrupted");
    assertThat(new Checkpoint(dir.resolve("resumed"), "regression").progress())
        .contains(new Checkpoint.Progress(2, 10, "a"));

    // When it is resumed with other settings, then with the same ones
    assertThatThrownBy(
            () ->
                TrainingLoop.train(
                    new Regression(), SCHEDULE, run(dir.resolve("resumed"), true, "b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot resume")
        .hasMessageContaining("made with a, this run has b");
    Regression resumed = new Regression();
    TrainingLoop.Result r =
        TrainingLoop.train(resumed, SCHEDULE, run(dir.resolve("resumed"), true, "a"));

    // Then it replays the data order of epochs 0 and 1, trains only epoch 2 on the same batches as
    // the uninterrupted run, and ends with the same weights (plain SGD: no optimizer state lost)
    assertThat(resumed.epochsAsked).containsExactly(0, 1, 2);
    assertThat(resumed.seen).isEqualTo(full.seen.subList(10, 15));
    assertThat(r.steps()).isEqualTo(15);
    for (int i = 0; i < 4; i++) {
      assertThat(resumed.savedWeights[i]).isEqualTo(full.savedWeights[i]);
    }
    assertThat(dir.resolve("resumed").resolve("regression.resume")).doesNotExist();
  }
}
