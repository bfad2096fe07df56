package io.pigeonstreams.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** Eq. 2–4 and the dual-phase reference mask, at a tiny size. */
class MaskGeneratorTest {

  private static final int N = 3; // history images
  private static final int L = 4; // tokens per image
  private static final int C = 16; // width

  private static MaskGenerator initialized(NDManager m) {
    Engine.getInstance().setRandomSeed(5);
    MaskGenerator g = new MaskGenerator(C, 2, 1, L, L);
    g.initialize(m, DataType.FLOAT32, new Shape(2, N * L, C), new Shape(2, L, C));
    return g;
  }

  @Test
  void shouldScoreEveryHistoryAndReferenceToken() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray scores =
          initialized(m)
              .forward(
                  new ParameterStore(m, false),
                  new NDList(
                      m.randomNormal(new Shape(2, N * L, C)), m.randomNormal(new Shape(2, L, C))),
                  false)
              .singletonOrThrow();
      assertThat(scores.getShape()).isEqualTo(new Shape(2, N * L + L));
      for (float s : scores.toFloatArray()) {
        assertThat(s).isBetween(-1.0001f, 1.0001f); // cosine
      }
    }
  }

  @Test
  void shouldKeepCeilOneMinusAlphaHOfTheValidHistoryTokens() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray scores = m.randomUniform(-1, 1, new Shape(2, N * L));
      // row 0: all three images; row 1: the last image is padding
      float[] validity = new float[2 * N * L];
      for (int i = 0; i < validity.length; i++) {
        validity[i] = (i < N * L || i % (N * L) < 2 * L) ? 1 : 0;
      }
      NDArray valid = m.create(validity, new Shape(2, N * L));
      for (double alphaH : new double[] {0.0, 0.2, 0.5, 0.9, 1.0}) {
        for (boolean training : new boolean[] {false, true}) {
          float[] keep =
              MaskGenerator.historyKeep(scores, valid, alphaH, 1f, training).toFloatArray();
          float row0 = 0;
          float row1 = 0;
          for (int i = 0; i < N * L; i++) {
            row0 += keep[i];
            row1 += keep[N * L + i];
            if (validity[N * L + i] == 0) {
              assertThat(keep[N * L + i]).as("padding is never kept").isZero();
            }
          }
          assertThat(row0)
              .isCloseTo(
                  (float) Math.ceil((1 - alphaH) * 12 - 1e-6),
                  org.assertj.core.data.Offset.offset(1e-4f));
          assertThat(row1)
              .isCloseTo(
                  (float) Math.ceil((1 - alphaH) * 8 - 1e-6),
                  org.assertj.core.data.Offset.offset(1e-4f));
        }
      }
    }
  }

  @Test
  void shouldKeepTheHighestScoringTokensAtInference() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray scores = m.create(new float[] {0.1f, 0.9f, -0.5f, 0.3f}, new Shape(1, 4));
      NDArray keep = MaskGenerator.historyKeep(scores, m.ones(new Shape(1, 4)), 0.5, 1f, false);
      assertThat(keep.toFloatArray()).containsExactly(0f, 1f, 0f, 1f);
    }
  }

  @Test
  void shouldMaskHighScoresInTrainingAndLowScoresAtInferenceOnTheReference() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray scores = m.create(new float[] {0.1f, 0.9f, -0.5f, 0.3f}, new Shape(1, 4));
      assertThat(MaskGenerator.referenceKeep(scores, 0.5, true).toFloatArray())
          .containsExactly(1f, 0f, 1f, 0f);
      assertThat(MaskGenerator.referenceKeep(scores, 0.5, false).toFloatArray())
          .containsExactly(0f, 1f, 0f, 1f);
      assertThat(MaskGenerator.referenceKeep(scores, 0.0, true).toFloatArray())
          .containsExactly(1f, 1f, 1f, 1f);
    }
  }

  @Test
  void shouldLetTheLossReachTheMaskGeneratorThroughTheKeepWeights() {
    try (NDManager m = NDManager.newBaseManager()) {
      MaskGenerator g = initialized(m);
      NDArray history = m.randomNormal(new Shape(2, N * L, C));
      NDArray reference = m.randomNormal(new Shape(2, L, C));
      NDArray target = m.randomNormal(new Shape(2, N * L, C));
      g.getParameters().values().stream()
          .filter(p -> p.requiresGradient())
          .forEach(p -> p.getArray().setRequiresGradient(true));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray scores =
            g.forward(new ParameterStore(m, false), new NDList(history, reference), true)
                .singletonOrThrow();
        NDArray keep =
            MaskGenerator.historyKeep(
                scores.get(":, :" + (N * L)),
                m.ones(new Shape(2, N * L)),
                0.2,
                0.5f,
                true); // (B, N*L)
        // masked embeddings are scaled by the straight-through keep weights (Eq. 4)
        NDArray masked = history.mul(keep.expandDims(2)); // (B, N*L, C)
        gc.backward(masked.sub(target).square().mean());
      }
      double total = 0;
      for (var p : g.getParameters().values()) {
        if (p.getArray().hasGradient()) {
          total += p.getArray().getGradient().abs().sum().getFloat();
        }
      }
      assertThat(total).as("sum of |grad| over the mask generator's parameters").isGreaterThan(0);
    }
  }
}
