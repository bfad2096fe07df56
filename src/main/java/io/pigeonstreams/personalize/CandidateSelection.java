package io.pigeonstreams.personalize;

import io.pigeonstreams.generate.Candidates;
import io.pigeonstreams.generate.PreferenceScorer;
import java.util.List;

/**
 * Which of a request's candidates is published (the best by the production scorer's scores under
 * the configured {@link Candidates.Selection}) and which is the rejected side of its preference
 * pair (the worst by the same rule).
 */
record CandidateSelection(int chosen, int rejected) {

  static CandidateSelection of(List<PreferenceScorer.Scores> scores, Candidates.Selection rule) {
    double[] values = rule.values(scores);
    return new CandidateSelection(Candidates.best(values), Candidates.worst(values));
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
