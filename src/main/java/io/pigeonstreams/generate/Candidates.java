package io.pigeonstreams.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * How candidates are spread and ranked, in one place for the engine, the benchmark and stage-2
 * training: Pigeon generates one candidate per alpha_r of a grid over [0, 1] and keeps the best by
 * a score (the engine and the benchmark: the production scorer's combined score; training: the
 * personalization reward), the worst being the rejected side of a preference pair (§2.2.4–2.2.5).
 */
public final class Candidates {

  /** Candidates per prompt in the paper's stage-2 sweep (and the engine's usual maximum). */
  public static final int PAPER_GRID_SIZE = 11;

  /** The paper's grid: alpha_r in {0.0, 0.1, ..., 1.0}. */
  public static final List<Double> PAPER_GRID = alphaRGrid(PAPER_GRID_SIZE);

  private Candidates() {}

  /**
   * {@code k} evenly spaced alpha_r over [0, 1], rounded to 3 decimals (11: 0.0, 0.1, ..., 1.0).
   *
   * @param k at least 2 (a single candidate has no grid: it is generated at a given alpha_r)
   */
  public static List<Double> alphaRGrid(int k) {
    if (k < 2) {
      throw new IllegalArgumentException("an alpha_r grid needs at least 2 values, got " + k);
    }
    List<Double> grid = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      grid.add(Math.round(i * 1000.0 / (k - 1)) / 1000.0);
    }
    return List.copyOf(grid);
  }

  /** The index of the highest value; on a tie the first (the lowest alpha_r of the grid). */
  public static int best(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  /** The index of the lowest value; on a tie the first. */
  public static int worst(double[] values) {
    int worst = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] < values[worst]) {
        worst = i;
      }
    }
    return worst;
  }

  /** What candidates are ranked by in the engine and the benchmark: each one's combined score. */
  public static double[] combined(List<PreferenceScorer.Scores> scores) {
    double[] out = new double[scores.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = scores.get(i).combined();
    }
    return out;
  }
}
