package io.pigeonstreams.personalize.experiment;

import io.pigeonstreams.personalize.experiment.Statistics.Moments;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An experiment's report from its sufficient statistics: per variant its exposures and, per metric,
 * its mean; per treatment and metric against the control, the relative lift with its 95% interval,
 * the fixed-horizon p (Welch for means, two proportions for rates), the always-valid p (mixture
 * SPRT, safe to read at every refresh) and its Holm adjustment over all comparisons, and the
 * decision; and the sample-ratio check of the exposures against the weights.
 */
public final class ExperimentReport {

  /** Metrics that are rates of 0/1 outcomes (two-proportion test); others are means (Welch). */
  public static final Set<String> RATES = Set.of("like_rate", "rejected", "cold_start");

  /** An SRM p-value below this flags the experiment. */
  public static final double SRM_THRESHOLD = 0.001;

  /** Decisions are taken at this family-wise error rate, on the Holm-adjusted always-valid p. */
  public static final double ALPHA = 0.05;

  /** The mixing variance of the mixture SPRT, relative to the control's variance. */
  public static final double TAU2_RELATIVE = 0.1;

  /** One treatment metric against the control. */
  public record Row(
      String variant,
      String metric,
      long n,
      double mean,
      long controlN,
      double controlMean,
      Statistics.Lift lift,
      double p,
      double alwaysValidP,
      double adjustedP,
      String decision) {}

  /**
   * @param exposures per variant, in the definition's order
   * @param srmP the sample-ratio-mismatch p-value (NaN with no exposures)
   */
  public record Result(
      String experimentId, List<String> variants, long[] exposures, double srmP, List<Row> rows) {

    public boolean sampleRatioMismatch() {
      return srmP < SRM_THRESHOLD;
    }

    /** The report as a text table, SRM first and loud. */
    public String render() {
      StringBuilder out = new StringBuilder();
      out.append("experiment ").append(experimentId).append('\n');
      if (sampleRatioMismatch()) {
        out.append(
            String.format(
                Locale.ROOT,
                "!! SAMPLE RATIO MISMATCH: exposures %s do not fit the weights (chi-squared p ="
                    + " %.2g < %.3f); the results below cannot be trusted !!%n",
                java.util.Arrays.toString(exposures),
                srmP,
                SRM_THRESHOLD));
      } else {
        out.append(
            String.format(
                Locale.ROOT,
                "sample ratio: exposures %s, chi-squared p = %.3f (ok)%n",
                java.util.Arrays.toString(exposures),
                srmP));
      }
      out.append(
          String.format(
              Locale.ROOT,
              "%-12s %-12s %8s %10s %10s %24s %8s %8s %8s  %s%n",
              "variant",
              "metric",
              "n",
              "mean",
              "control",
              "lift [95% interval]",
              "p",
              "p(av)",
              "p(Holm)",
              "decision"));
      for (Row r : rows) {
        out.append(
            String.format(
                Locale.ROOT,
                "%-12s %-12s %8d %10.4f %10.4f %+7.1f%% [%+6.1f, %+6.1f] %8.4f %8.4f %8.4f  %s%n",
                r.variant(),
                r.metric(),
                r.n(),
                r.mean(),
                r.controlMean(),
                100 * r.lift().lift(),
                100 * r.lift().low(),
                100 * r.lift().high(),
                r.p(),
                r.alwaysValidP(),
                r.adjustedP(),
                r.decision()));
      }
      out.append(
          "p: fixed-horizon (Welch for means, two proportions for rates); p(av): always-valid"
              + " (mixture SPRT), safe to read at any time; p(Holm): p(av) adjusted over all"
              + " rows (Holm); decisions at 0.05 on p(Holm).\n");
      return out.toString();
    }
  }

  private ExperimentReport() {}

  /**
   * @param moments per variant name, per metric, the cumulative sufficient statistics
   */
  public static Result of(ExperimentPlan plan, Map<String, Map<String, Moments>> moments) {
    List<String> names = plan.variants().stream().map(ExperimentPlan.Variant::name).toList();
    long[] exposures = new long[names.size()];
    double[] weights = new double[names.size()];
    for (int i = 0; i < names.size(); i++) {
      Moments e = moments.getOrDefault(names.get(i), Map.of()).get("exposures");
      exposures[i] = e == null ? 0 : e.n();
      weights[i] = plan.variants().get(i).weight();
    }
    double srm =
        java.util.Arrays.stream(exposures).sum() == 0
            ? Double.NaN
            : Statistics.sampleRatioP(exposures, weights);
    String control = names.get(0);
    Map<String, Moments> controlMetrics = moments.getOrDefault(control, Map.of());
    List<String> metrics = new ArrayList<>(plan.metrics());
    for (String standard : List.of("latency_ms", "rejected", "cold_start", "like_rate")) {
      if (!metrics.contains(standard)) {
        metrics.add(standard);
      }
    }
    List<Row> rows = new ArrayList<>();
    List<double[]> stats = new ArrayList<>();
    for (String v : names.subList(1, names.size())) {
      Map<String, Moments> treatment = moments.getOrDefault(v, Map.of());
      for (String metric : metrics) {
        Moments c = controlMetrics.get(metric);
        Moments t = treatment.get(metric);
        if (c == null || t == null || c.n() < 2 || t.n() < 2) {
          continue;
        }
        double p =
            RATES.contains(metric)
                ? Statistics.twoProportionP(Math.round(c.sum()), c.n(), Math.round(t.sum()), t.n())
                : Statistics.welchP(c, t);
        double tau2 = Math.max(1e-12, TAU2_RELATIVE * Math.max(c.variance(), t.variance()));
        double av = Statistics.alwaysValidP(c, t, tau2);
        rows.add(
            new Row(
                v,
                metric,
                t.n(),
                t.mean(),
                c.n(),
                c.mean(),
                c.mean() == 0
                    ? new Statistics.Lift(Double.NaN, Double.NaN, Double.NaN)
                    : Statistics.relativeLift(c, t),
                p,
                av,
                Double.NaN,
                ""));
        stats.add(new double[] {av});
      }
    }
    double[] adjusted = Statistics.holm(stats.stream().mapToDouble(a -> a[0]).toArray());
    List<Row> decided = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      String decision =
          adjusted[i] >= ALPHA
              ? "inconclusive"
              : (r.mean() > r.controlMean() ? "higher" : "lower") + " than control";
      decided.add(
          new Row(
              r.variant(),
              r.metric(),
              r.n(),
              r.mean(),
              r.controlN(),
              r.controlMean(),
              r.lift(),
              r.p(),
              r.alwaysValidP(),
              adjusted[i],
              decision));
    }
    return new Result(plan.id(), names, exposures, srm, decided);
  }
}
