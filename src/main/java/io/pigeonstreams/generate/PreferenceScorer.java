package io.pigeonstreams.generate;

import java.util.List;

/** The production scorer: how personalized and how faithful to the reference an image is. */
public interface PreferenceScorer {

  /** Scores in [-1, 1]; higher is better. */
  record Scores(double personalization, double semanticAlignment) {
    /** What the engine publishes the best candidate by (Pigeon's released code: 0.5 / 0.5). */
    public double combined() {
      return 0.5 * personalization + 0.5 * semanticAlignment;
    }
  }

  Scores score(float[] image, List<float[]> history, float[] reference);

  /** Scores a request's candidates; a scorer with a model overrides this to score in one batch. */
  default List<Scores> score(List<float[]> images, List<float[]> history, float[] reference) {
    return images.stream().map(image -> score(image, history, reference)).toList();
  }

  /**
   * Scores the candidates of a micro-batch of requests: image i against {@code histories.get(i)}
   * and {@code references.get(i)}. Images that share one history list (a request's candidates)
   * share its encoding.
   */
  default List<Scores> score(
      List<float[]> images, List<List<float[]>> histories, List<float[]> references) {
    List<Scores> out = new java.util.ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      out.add(score(images.get(i), histories.get(i), references.get(i)));
    }
    return out;
  }
}
