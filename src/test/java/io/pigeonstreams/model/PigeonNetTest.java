package io.pigeonstreams.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Pigeon network at a tiny size: shapes, gradient into the mask generator, training, save/load.
 */
class PigeonNetTest {

  private static final PigeonConfig TINY = new PigeonConfig(32, 2, 1, 1, 64, 4, 0.2, 0.5f);
  private static final int N = 5;
  private static final int L = 16;
  private static final int K = 32;
  private static final int D = 8;
  private static final int B = 2;

  private static Shape[] shapes() {
    return new Shape[] {
      new Shape(B, N * L), new Shape(B, N * L), new Shape(B, L), new Shape(B, L, D), new Shape(B, 4)
    };
  }

  private static NDList inputs(NDManager m) {
    Engine.getInstance().setRandomSeed(9);
    return new NDList(
        m.randomInteger(0, K, new Shape(B, N * L), DataType.INT32),
        m.ones(new Shape(B, N * L)),
        m.randomInteger(0, K, new Shape(B, L), DataType.INT32),
        m.randomNormal(new Shape(B, L, D)),
        m.randomInteger(1, 64, new Shape(B, 4), DataType.INT32));
  }

  private static PigeonNet initialized(NDManager m, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    PigeonNet net = new PigeonNet(TINY, L, K);
    net.initialize(m, DataType.FLOAT32, shapes());
    return net;
  }

  private static PairList<String, Object> alphas(double h, double r) {
    PairList<String, Object> p = new PairList<>();
    p.add(PigeonNet.ALPHA_H, h);
    p.add(PigeonNet.ALPHA_R, r);
    return p;
  }

  @Test
  void shouldMaskEachRowAtItsOwnRatiosSoOneBatchCanMixRequests() {
    try (NDManager m = NDManager.newBaseManager()) {
      PairList<String, Object> p = new PairList<>();
      p.add(PigeonNet.ALPHA_H, new double[] {0.0, 0.5});
      p.add(PigeonNet.ALPHA_R, new double[] {1.0, 0.25});
      NDList out = initialized(m, 1).forward(new ParameterStore(m, false), inputs(m), false, p);
      // row 0 keeps all 80 history tokens and no reference token; row 1 keeps 40 and 12
      assertThat(out.get(1).sum(new int[] {1}).toFloatArray()).containsExactly(80f, 40f);
      assertThat(out.get(2).sum(new int[] {1}).toFloatArray()).containsExactly(0f, 12f);
    }
  }

  @Test
  void shouldRejectPerRowRatiosOfTheWrongLength() {
    try (NDManager m = NDManager.newBaseManager()) {
      PairList<String, Object> p = new PairList<>();
      p.add(PigeonNet.ALPHA_H, new double[] {0.2, 0.2, 0.2});
      PigeonNet net = initialized(m, 1);
      NDList in = inputs(m);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> net.forward(new ParameterStore(m, false), in, false, p))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("3 values for 2 rows");
    }
  }

  @Test
  void shouldPredictEveryTargetTokenFromTheHybridPrompt() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList out =
          initialized(m, 1)
              .forward(new ParameterStore(m, false), inputs(m), false, alphas(0.4, 0.25));
      assertThat(out.get(0).getShape()).isEqualTo(new Shape(B, L, K));
      // ceil(0.6 * 80) = 48 history tokens kept per row, round(0.25 * 16) = 4 reference tokens
      // masked
      assertThat(out.get(1).sum(new int[] {1}).toFloatArray()).containsExactly(48f, 48f);
      assertThat(out.get(2).sum(new int[] {1}).toFloatArray()).containsExactly(12f, 12f);
    }
  }

  @Test
  void shouldSendTheReconstructionGradientIntoTheMaskGenerator() {
    try (NDManager m = NDManager.newBaseManager()) {
      PigeonNet net = initialized(m, 2);
      net.getParameters().values().stream()
          .filter(p -> p.requiresGradient())
          .forEach(p -> p.getArray().setRequiresGradient(true));
      NDList in = inputs(m);
      NDArray targets = m.randomInteger(0, K, new Shape(B, L), DataType.INT32);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDList out = net.forward(new ParameterStore(m, false), in, true, alphas(0.2, 0.5));
        gc.backward(PigeonNet.reconstructionLoss(out.get(0), targets));
      }
      double maskGrad = 0;
      for (var p : net.getParameters()) {
        if (p.getKey().contains("maskGenerator") && p.getValue().getArray().hasGradient()) {
          maskGrad += p.getValue().getArray().getGradient().abs().sum().getFloat();
        }
      }
      assertThat(maskGrad).as("sum of |grad| over the mask generator").isGreaterThan(0);
    }
  }

  @Test
  void shouldLowerTheLossInTwoTrainingSteps() {
    try (Model model = Model.newInstance("pigeon-test")) {
      Engine.getInstance().setRandomSeed(3);
      model.setBlock(new PigeonNet(TINY, L, K));
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).build());
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(shapes());
        NDList in = inputs(trainer.getManager());
        NDArray targets = trainer.getManager().randomInteger(0, K, new Shape(B, L), DataType.INT32);
        float[] losses = new float[3];
        for (int step = 0; step < 3; step++) {
          try (GradientCollector gc = trainer.newGradientCollector()) {
            NDList out =
                model
                    .getBlock()
                    .forward(
                        new ParameterStore(trainer.getManager(), false),
                        in,
                        true,
                        alphas(0.0, 0.5));
            NDArray loss = PigeonNet.reconstructionLoss(out.get(0), targets);
            losses[step] = loss.getFloat();
            gc.backward(loss);
          }
          trainer.step();
        }
        assertThat(losses[2]).isLessThan(losses[0]);
      }
    }
  }

  @Test
  void shouldStoreFloat16WeightsThatReloadIdenticallyAndCloseToTheOriginal(@TempDir Path dir)
      throws Exception {
    Path file = HalfWeights.file(dir, "pigeon");
    float[] original;
    try (NDManager m = NDManager.newBaseManager()) {
      PigeonNet net = initialized(m, 4);
      original = logits(net, m);
      HalfWeights.save(net, file);
    }
    float[] first;
    float[] second;
    try (NDManager m = NDManager.newBaseManager()) {
      PigeonNet net = initialized(m, 99);
      HalfWeights.load(net, file);
      first = logits(net, m);
    }
    try (NDManager m = NDManager.newBaseManager()) {
      PigeonNet net = initialized(m, 7);
      HalfWeights.load(net, file);
      second = logits(net, m);
    }
    assertThat(second).containsExactly(first);
    assertThat(first).containsExactly(original, org.assertj.core.data.Offset.offset(2e-2f));
    // and a net of another shape is refused with the reason
    try (NDManager m = NDManager.newBaseManager()) {
      PigeonNet wider = new PigeonNet(new PigeonConfig(48, 2, 1, 1, 64, 4, 0.2, 0.5f), L, K);
      wider.initialize(m, DataType.FLOAT32, shapes());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> HalfWeights.load(wider, file))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("the block expects");
    }
  }

  private static float[] logits(PigeonNet net, NDManager m) {
    return net.forward(new ParameterStore(m, false), inputs(m), false, alphas(0.2, 0.0))
        .get(0)
        .toFloatArray();
  }

  @Test
  void shouldGiveIdenticalLogitsAfterSaveAndLoadAndForTheSameSeed(@TempDir Path dir)
      throws Exception {
    float[] before;
    try (Model model = Model.newInstance("pigeon")) {
      PigeonNet net = initialized(model.getNDManager(), 4);
      model.setBlock(net);
      before =
          net.forward(
                  new ParameterStore(model.getNDManager(), false),
                  inputs(model.getNDManager()),
                  false,
                  alphas(0.2, 0.0))
              .get(0)
              .toFloatArray();
      model.save(dir, "pigeon");
    }
    try (Model model = Model.newInstance("pigeon")) {
      PigeonNet net = initialized(model.getNDManager(), 99);
      model.setBlock(net);
      model.load(dir, "pigeon");
      float[] after =
          net.forward(
                  new ParameterStore(model.getNDManager(), false),
                  inputs(model.getNDManager()),
                  false,
                  alphas(0.2, 0.0))
              .get(0)
              .toFloatArray();
      assertThat(after).containsExactly(before);
    }
    try (NDManager m = NDManager.newBaseManager()) {
      float[] again =
          initialized(m, 4)
              .forward(new ParameterStore(m, false), inputs(m), false, alphas(0.2, 0.0))
              .get(0)
              .toFloatArray();
      assertThat(again).containsExactly(before);
    }
  }
}
