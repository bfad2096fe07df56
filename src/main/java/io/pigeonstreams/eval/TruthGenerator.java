package io.pigeonstreams.eval;

import java.util.List;

/**
 * Truth: the ground truth itself (the target emoji in the user's style), the ceiling the judges
 * allow. Generators never see the ground truth, so this one does not generate: the {@link
 * Evaluator} scores the samples' ground truths in its place.
 */
final class TruthGenerator implements StickerGenerator {

  @Override
  public String name() {
    return "truth";
  }

  @Override
  public List<float[]> generate(List<GenerationInput> batch) {
    throw new UnsupportedOperationException("the evaluator scores the ground truth itself");
  }
}
