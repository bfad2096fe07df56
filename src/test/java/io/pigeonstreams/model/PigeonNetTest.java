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

  /** Width 32; history pooled to 2x2 per image; 3 decoding steps, argmax. */
  private static final PigeonConfig TINY =
      new PigeonConfig(32, 2, 1, 1, 64, 4, 0.2, 0.5f, 2, 3, 0f, 8);

  private static final int N = 5;
  private static final int GRID = 4;
  private static final int L = GRID * GRID;
  private static final int P = 4; // pooled tokens per history image
  private static final int K = 32;
  private static final int B = 2;

  private static Shape[] shapes() {
    return new Shape[] {
      new Shape(B, N * L),
      new Shape(B, N * L),
      new Shape(B, N, 8),
      new Shape(B, L),
      new Shape(B, 8),
      new Shape(B, 4)
    };
  }

  /** The prompt, without a target: the network decodes. */
  private static NDList prompt(NDManager m) {
    Engine.getInstance().setRandomSeed(9);
    return new NDList(
        PigeonInputs.named(
            m.randomInteger(0, K, new Shape(B, N * L), DataType.INT32), PigeonNet.HISTORY),
        PigeonInputs.named(m.ones(new Shape(B, N * L)), PigeonNet.HISTORY_VALID),
        PigeonInputs.named(m.randomNormal(new Shape(B, N, 8)), PigeonNet.HISTORY_STYLE),
        PigeonInputs.named(
            m.randomInteger(0, K, new Shape(B, L), DataType.INT32), PigeonNet.REFERENCE),
        PigeonInputs.named(m.randomNormal(new Shape(B, 8)), PigeonNet.REFERENCE_STYLE),
        PigeonInputs.named(
            m.randomInteger(1, 64, new Shape(B, 4), DataType.INT32), PigeonNet.TEXT));
  }

  /** The prompt and a target with every token masked: the network gives logits. */
  private static NDList inputs(NDManager m) {
    NDList in = prompt(m);
    in.add(PigeonInputs.named(m.full(new Shape(B, L), K, DataType.INT32), PigeonNet.TARGET));
    return in;
  }

  private static PigeonNet initialized(NDManager m, int seed) {
    return initialized(m, seed, TINY);
  }

  private static PigeonNet initialized(NDManager m, int seed, PigeonConfig config) {
    Engine.getInstance().setRandomSeed(seed);
    PigeonNet net = new PigeonNet(config, GRID, K);
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
      // row 0 keeps all 20 pooled history tokens and no reference token; row 1 keeps 10 and 12
      assertThat(out.get(1).sum(new int[] {1}).toFloatArray()).containsExactly(20f, 10f);
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
      // ceil(0.6 * 20) = 12 pooled history tokens kept per row, round(0.25 * 16) = 4 reference
      // tokens masked
      assertThat(out.get(1).getShape()).isEqualTo(new Shape(B, N * P));
      assertThat(out.get(1).sum(new int[] {1}).toFloatArray()).containsExactly(12f, 12f);
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
        gc.backward(PigeonNet.reconstructionLoss(out.get(0), targets, m.ones(targets.getShape())));
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
      model.setBlock(new PigeonNet(TINY, GRID, K));
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
            NDArray loss =
                PigeonNet.reconstructionLoss(
                    out.get(0), targets, trainer.getManager().ones(targets.getShape()));
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
      PigeonNet wider =
          new PigeonNet(new PigeonConfig(48, 2, 1, 1, 64, 4, 0.2, 0.5f, 2, 3, 0f, 8), GRID, K);
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

  @Test
  void shouldDecodeEveryTokenInTheConfiguredStepsDeterministicallyWithoutSampling() {
    try (NDManager m = NDManager.newBaseManager()) {
      PigeonNet net = initialized(m, 5);
      NDList out = net.forward(new ParameterStore(m, false), prompt(m), false, alphas(0.2, 0.3));
      NDArray tokens = out.get(0);
      assertThat(tokens.getDataType()).isEqualTo(DataType.INT32);
      assertThat(tokens.getShape()).isEqualTo(new Shape(B, L));
      for (int t : tokens.toIntArray()) {
        assertThat(t).as("a code, never [MASK]").isBetween(0, K - 1);
      }
      int[] again =
          net.forward(new ParameterStore(m, false), prompt(m), false, alphas(0.2, 0.3))
              .get(0)
              .toIntArray();
      assertThat(again).containsExactly(tokens.toIntArray());
    }
  }

  @Test
  void shouldSampleCandidatesThatDifferBySeedAndRepeatForTheSameSeed() {
    PigeonConfig sampled = TINY.withDecoding(3, 1.0f);
    try (NDManager m = NDManager.newBaseManager()) {
      PigeonNet net = initialized(m, 6, sampled);
      int[] a = decode(net, m, new long[] {1, 2});
      int[] b = decode(net, m, new long[] {1, 3});
      int[] c = decode(net, m, new long[] {1, 2});
      assertThat(c).containsExactly(a);
      assertThat(java.util.Arrays.copyOfRange(b, 0, L))
          .containsExactly(java.util.Arrays.copyOfRange(a, 0, L));
      assertThat(java.util.Arrays.copyOfRange(b, L, 2 * L))
          .as("another seed, another candidate")
          .isNotEqualTo(java.util.Arrays.copyOfRange(a, L, 2 * L));
    }
  }

  private static int[] decode(PigeonNet net, NDManager m, long[] seeds) {
    NDList in = prompt(m);
    in.add(PigeonInputs.uniforms(m, seeds, net.config().decodeSteps(), L));
    return net.forward(new ParameterStore(m, false), in, false, alphas(0.2, 0.0))
        .get(0)
        .toIntArray();
  }
}
