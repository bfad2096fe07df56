package io.pigeonstreams.personalize.experiment;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.descriptive.StatisticalSummaryValues;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * The experiments' statistics on sufficient statistics (n, Σx, Σx², Σy, Σy², Σxy), so that they can
 * be computed from what the stream aggregates: relative lift with a 95% delta-method interval,
 * Welch's t-test for means and the two-proportion z-test for rates over independent units, the
 * delta-method z-test for ratio metrics (rates per exposure with users as units), an always-valid
 * p-value (mixture SPRT) that may be read at any time, the sample-ratio-mismatch chi-squared test,
 * and Holm's correction. Distributions and tests come from Apache Commons Math.
 */
public final class Statistics {

  private static final NormalDistribution NORMAL = new NormalDistribution();

  /** The z of a two-sided 95% interval. */
  public static final double Z95 = 1.959963984540054;

  private Statistics() {}

  /**
   * A ratio metric's sufficient statistics in one variant, over its units (users): the metric is Σx
   * / Σy, where x is what a user contributed to the numerator (likes, latency) and y to the
   * denominator (their exposures). A plain mean over units has y = 1 for every unit.
   *
   * @param n units
   * @param sum Σx
   * @param sumSquares Σx²
   * @param denominatorSum Σy
   * @param denominatorSumSquares Σy²
   * @param crossSum Σxy, the cross term the ratio's variance needs
   */
  public record Moments(
      long n,
      double sum,
      double sumSquares,
      double denominatorSum,
      double denominatorSumSquares,
      double crossSum) {

    /** Nothing observed. */
    public static final Moments EMPTY = new Moments(0, 0, 0, 0, 0, 0);

    /** A plain mean over {@code n} units (y = 1 for each). */
    public Moments(long n, double sum, double sumSquares) {
      this(n, sum, sumSquares, n, n, sum);
    }

    /** The metric: Σx / Σy (0 with no denominator). */
    public double mean() {
      return denominatorSum == 0 ? 0 : sum / denominatorSum;
    }

    /** Whether every unit had y = 1: the metric is a plain mean over independent units. */
    public boolean perUnit() {
      return denominatorSum == n && denominatorSumSquares == n;
    }

    /** The sample variance of x over units (n − 1). */
    public double variance() {
      return n < 2 ? 0 : Math.max(0, (sumSquares - sum * sum / n) / (n - 1));
    }

    /**
     * The variance of {@link #mean()} by the delta method (Deng, Knoblich and Lu 2018): with
     * per-unit means μx, μy and sample (co)variances, (s_xx/μy² − 2 μx s_xy/μy³ + μx² s_yy/μy⁴) /
     * n; for a plain mean this is s_xx / n.
     */
    public double meanVariance() {
      if (n < 2 || denominatorSum == 0) {
        return 0;
      }
      double mx = sum / n;
      double my = denominatorSum / n;
      double sxx = variance();
      double syy =
          Math.max(0, (denominatorSumSquares - denominatorSum * denominatorSum / n) / (n - 1));
      double sxy = (crossSum - sum * denominatorSum / n) / (n - 1);
      double v =
          sxx / (my * my) - 2 * mx * sxy / (my * my * my) + mx * mx * syy / (my * my * my * my);
      return Math.max(0, v / n);
    }

    /** With one more unit that contributed {@code x} over y = 1. */
    public Moments add(double x) {
      return add(x, 1);
    }

    /** With one more unit that contributed {@code x} over {@code y}. */
    public Moments add(double x, double y) {
      return new Moments(
          n + 1,
          sum + x,
          sumSquares + x * x,
          denominatorSum + y,
          denominatorSumSquares + y * y,
          crossSum + x * y);
    }

    public Moments plus(Moments o) {
      return new Moments(
          n + o.n,
          sum + o.sum,
          sumSquares + o.sumSquares,
          denominatorSum + o.denominatorSum,
          denominatorSumSquares + o.denominatorSumSquares,
          crossSum + o.crossSum);
    }
  }

  /** Relative lift of treatment over control and its 95% interval. */
  public record Lift(double lift, double low, double high) {}

  /**
   * (mean_t / mean_c − 1) with the delta method's variance of a ratio of independent estimates: var
   * ≈ V_t/m_c² + m_t² V_c/m_c⁴, where V is each arm's {@link Moments#meanVariance()}.
   */
  public static Lift relativeLift(Moments control, Moments treatment) {
    double mc = control.mean();
    double mt = treatment.mean();
    double lift = mt / mc - 1;
    double var =
        treatment.meanVariance() / (mc * mc)
            + mt * mt * control.meanVariance() / (mc * mc * mc * mc);
    double half = Z95 * Math.sqrt(var);
    return new Lift(lift, lift - half, lift + half);
  }

  /** Welch's two-sided t-test p-value for a difference of means over units (y = 1). */
  public static double welchP(Moments control, Moments treatment) {
    return new TTest().tTest(summary(control), summary(treatment));
  }

  /**
   * The two-sided p-value of a difference of ratio metrics: z = (m_t − m_c) / sqrt(V_t + V_c) with
   * delta-method variances (units with several exposures are not independent observations of the
   * rate, so a test over exposures would be too sure).
   */
  public static double deltaP(Moments control, Moments treatment) {
    double se = Math.sqrt(control.meanVariance() + treatment.meanVariance());
    if (!(se > 0)) {
      return 1;
    }
    double z = (treatment.mean() - control.mean()) / se;
    return 2 * NORMAL.cumulativeProbability(-Math.abs(z));
  }

  private static StatisticalSummaryValues summary(Moments m) {
    return new StatisticalSummaryValues(
        m.mean(), m.variance(), m.n(), Double.NaN, Double.NaN, m.sum());
  }

  /** The two-proportion z-test's two-sided p-value (pooled variance). */
  public static double twoProportionP(long successesC, long nC, long successesT, long nT) {
    double pc = successesC / (double) nC;
    double pt = successesT / (double) nT;
    double pooled = (successesC + successesT) / (double) (nC + nT);
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / nC + 1.0 / nT));
    if (se == 0) {
      return 1;
    }
    double z = (pt - pc) / se;
    return 2 * (1 - NORMAL.cumulativeProbability(Math.abs(z)));
  }

  /**
   * An always-valid p-value for a difference of means (Johari, Pekelis and Walsh's mixture SPRT
   * with a normal mixing distribution of variance {@code tau2} over the effect): 1 / Λ, capped at
   * 1, where Λ = sqrt(V/(V+τ²)) exp(Δ² τ² / (2 V (V+τ²))) and V = V_t + V_c, each arm's
   * delta-method {@link Moments#meanVariance()} (v/n for a plain mean). Reading it at every refresh
   * keeps its error rate (it is a test martingale); the report keeps the running minimum.
   */
  public static double alwaysValidP(Moments control, Moments treatment, double tau2) {
    double v = treatment.meanVariance() + control.meanVariance();
    if (!(v > 0)) {
      return 1;
    }
    double d = treatment.mean() - control.mean();
    double logLambda = 0.5 * Math.log(v / (v + tau2)) + d * d * tau2 / (2 * v * (v + tau2));
    return Math.min(1, Math.exp(-logLambda));
  }

  /**
   * The sample-ratio-mismatch p-value: chi-squared of the counts against the weights. Variants of
   * weight 0 must have no count (any is a mismatch: p = 0); with fewer than two weighted variants
   * there is nothing to test (p = 1).
   */
  public static double sampleRatioP(long[] counts, double[] weights) {
    int k = 0;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] > 0) {
        k++;
      } else if (counts[i] > 0) {
        return 0;
      }
    }
    if (k < 2) {
      return 1;
    }
    long[] observed = new long[k];
    double[] w = new double[k];
    for (int i = 0, j = 0; i < weights.length; i++) {
      if (weights[i] > 0) {
        observed[j] = counts[i];
        w[j++] = weights[i];
      }
    }
    long total = Arrays.stream(observed).sum();
    if (total == 0) {
      return 1;
    }
    double wsum = Arrays.stream(w).sum();
    double[] expected = new double[k];
    for (int i = 0; i < k; i++) {
      expected[i] = total * w[i] / wsum;
    }
    return new ChiSquareTest().chiSquareTest(expected, observed);
  }

  /** Holm's step-down adjustment of {@code p} (family-wise error), in the input order. */
  public static double[] holm(double[] p) {
    int m = p.length;
    Integer[] order =
        IntStream.range(0, m)
            .boxed()
            .sorted(Comparator.comparingDouble(i -> p[i]))
            .toArray(Integer[]::new);
    double[] adjusted = new double[m];
    double running = 0;
    for (int k = 0; k < m; k++) {
      int i = order[k];
      running = Math.max(running, Math.min(1, (m - k) * p[i]));
      adjusted[i] = running;
    }
    return adjusted;
  }
}
