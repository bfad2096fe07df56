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

  /**
   * How a request's candidates are ranked. {@link #SUM}: 0.5 personalization + 0.5 alignment, as
   * Pigeon's released code. {@link #BALANCED}: each score min-max normalized over the request's
   * candidates, then their harmonic mean: the two scores live on different scales, and a sum is led
   * by whichever varies more over alpha_r (alignment, which falls from the copy at alpha_r 0), so
   * it keeps choosing the copy; the harmonic mean chooses the candidate good on both, the way the
   * benchmark's overall score judges. {@link #PERSONALIZATION}: personalization alone (for
   * candidates that share an alpha_r, e.g. stage-2 pairs meant to differ in style only).
   */
  public enum Selection {
    SUM,
    BALANCED,
    PERSONALIZATION;

    /** Each candidate's value under this rule (higher is better). */
    public double[] values(List<PreferenceScorer.Scores> scores) {
      return switch (this) {
        case SUM -> combined(scores);
        case BALANCED -> balanced(scores);
        case PERSONALIZATION -> scores.stream().mapToDouble(s -> s.personalization()).toArray();
      };
    }

    /** {@code sum} or {@code balanced}, case-insensitive. */
    public static Selection parse(String name) {
      for (Selection s : values()) {
        if (s.name().equalsIgnoreCase(name.strip())) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "candidate selection must be sum, balanced or personalization, got '" + name + "'");
    }
  }

  /** How much of the combined score breaks ties of the balanced one (far below its resolution). */
  static final double TIE_BREAK = 1e-6;

  /**
   * The harmonic mean of the candidates' min-max normalized personalization and alignment (a score
   * that does not vary over the candidates counts as 1 for all), ties broken by the combined score:
   * with two candidates that each win on one score, both are 0 and the sum decides, so that a
   * request for two still has a best and a worst.
   */
  public static double[] balanced(List<PreferenceScorer.Scores> scores) {
    double[] p = normalized(scores.stream().mapToDouble(s -> s.personalization()).toArray());
    double[] a = normalized(scores.stream().mapToDouble(s -> s.semanticAlignment()).toArray());
    double[] out = new double[p.length];
    for (int i = 0; i < out.length; i++) {
      double hm = p[i] + a[i] == 0 ? 0 : 2 * p[i] * a[i] / (p[i] + a[i]);
      out[i] = hm + TIE_BREAK * scores.get(i).combined();
    }
    return out;
  }

  private static double[] normalized(double[] v) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = max > min ? (v[i] - min) / (max - min) : 1;
    }
    return out;
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
