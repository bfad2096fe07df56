package io.pigeonstreams.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.pigeonstreams.model.StyleEncoder;

/**
 * A perceptual loss from this project's own taste encoder (never a benchmark judge): the distance
 * between the feature maps of a reconstruction and of its original, each map's mean squared
 * difference relative to the original's mean square, averaged over the maps and scaled by {@code
 * weight}. Pixels alone reward blur; matching features keeps edges and shapes.
 */
public record FeatureLoss(StyleEncoder encoder, float weight) {

  /** (B, 3, 32, 32) reconstruction and originals -> scalar loss. */
  public NDArray loss(NDArray reconstruction, NDArray original) {
    NDList fake = encoder.featureMaps(reconstruction);
    NDList real = encoder.featureMaps(original.stopGradient());
    NDArray total = null;
    for (int i = 0; i < real.size(); i++) {
      NDArray target = real.get(i).stopGradient();
      NDArray term = fake.get(i).sub(target).square().mean().div(target.square().mean().add(1e-6f));
      total = total == null ? term : total.add(term);
    }
    return total.div(real.size()).mul(weight);
  }
}
