package io.pigeonstreams.personalize;

import io.pigeonstreams.generate.Candidates;
import io.pigeonstreams.generate.PreferenceScorer;
import java.util.List;

/**
 * Which of a request's candidates is published (and, for a request for two options, which is shown
 * beside it: the runner-up, -1 with a single candidate) (the best by the production scorer's scores
 * under the configured {@link Candidates.Selection}) and which is the rejected side of its
 * preference pair (the worst by the same rule).
 */
record CandidateSelection(int chosen, int rejected, int runnerUp) {

  static CandidateSelection of(List<PreferenceScorer.Scores> scores, Candidates.Selection rule) {
    double[] values = rule.values(scores);
    int best = Candidates.best(values);
    int second = -1;
    for (int i = 0; i < values.length; i++) {
      if (i != best && (second < 0 || values[i] > values[second])) {
        second = i;
      }
    }
    return new CandidateSelection(best, Candidates.worst(values), second);
  }

  /** A pair needs two candidates that differ in score. */
  boolean makesPair(int candidates) {
    return candidates > 1 && chosen != rejected;
  }

  /**
   * The alpha_r of a request's candidates: k = 1, the request's alpha_r; k > 1, {@link
   * Candidates#alphaRGrid} (11: 0.0, 0.1, …, 1.0).
   */
  static List<Double> alphaRs(int k, double alphaR) {
    return k == 1 ? List.of(alphaR) : Candidates.alphaRGrid(k);
  }
}
