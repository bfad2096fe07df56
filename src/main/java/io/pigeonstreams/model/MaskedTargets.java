package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Target token sequences with some positions masked: the network's {@code target} input, the
 * targets and the loss weights (1 where masked).
 */
public record MaskedTargets(int rows, int length, int[] inputs, int[] targets, float[] weights) {

  /**
   * @param masked per sequence, the masked positions (null: all of every sequence)
   */
  public static MaskedTargets of(List<int[]> targets, List<boolean[]> masked, int maskId) {
    int b = targets.size();
    int l = targets.get(0).length;
    int[] flat = PigeonModel.flatten(targets);
    int[] inputs = flat.clone();
    float[] weights = new float[b * l];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < l; j++) {
        if (masked == null || masked.get(i)[j]) {
          inputs[i * l + j] = maskId;
          weights[i * l + j] = 1f;
        }
      }
    }
    return new MaskedTargets(b, l, inputs, flat, weights);
  }

  public NDArray inputs(NDManager m) {
    return PigeonInputs.named(m.create(inputs, new Shape(rows, length)), PigeonNet.TARGET);
  }

  public NDArray targets(NDManager m) {
    return m.create(targets, new Shape(rows, length));
  }

  public NDArray weights(NDManager m) {
    return m.create(weights, new Shape(rows, length));
  }
}
