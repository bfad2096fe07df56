package io.pigeonstreams.personalize.experiment;

import io.pigeonstreams.personalize.experiment.ExperimentMetrics.Metric;
import io.pigeonstreams.personalize.experiment.Statistics.Moments;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An experiment's report from its sufficient statistics. Per variant: its users and exposures and,
 * per metric, its value. Per treatment and metric against the control: the relative lift with its
 * 95% interval, the fixed-horizon p (Welch for means and the two-proportion test for rates when
 * every user has one exposure, else the delta-method z-test of the ratio), the always-valid p
 * (mixture SPRT, safe to read at every refresh) and its Holm adjustment, and the decision. The
 * metrics the experiment is judged by form one Holm family and decide; the others (guardrails and
 * diagnostics) form a second family and are reported as such. The sample-ratio check compares the
 * users per variant with the weights.
 */
public final class ExperimentReport {

  /** An SRM p-value below this flags the experiment. */
  public static final double SRM_THRESHOLD = 0.001;

  /** Decisions are taken at this family-wise error rate, on the Holm-adjusted always-valid p. */
  public static final double ALPHA = 0.05;

  /** The mixing variance of the mixture SPRT, relative to the per-user variance of the metric. */
  public static final double TAU2_RELATIVE = 0.1;

  /** One treatment metric against the control. */
  public record Row(
      String variant,
      String metric,
      boolean judged,
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
   * @param users per variant, in the definition's order (the units assignment counts)
   * @param exposures per variant
   * @param srmP the sample-ratio-mismatch p-value over users (NaN with none)
   */
  public record Result(
      String experimentId,
      List<String> variants,
      long[] users,
      long[] exposures,
      double srmP,
      List<Row> rows) {

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
                "!! SAMPLE RATIO MISMATCH: users %s do not fit the weights (chi-squared p = %.2g <"
                    + " %.3f); the results below cannot be trusted !!%n",
                Arrays.toString(users),
                srmP,
                SRM_THRESHOLD));
      } else {
        out.append(
            String.format(
                Locale.ROOT,
                "sample ratio: users %s, chi-squared p = %.3f (ok)%n",
                Arrays.toString(users),
                srmP));
      }
      for (int i = 0; i < variants.size(); i++) {
        out.append(
            String.format(
                Locale.ROOT,
                "  %-12s %8d users %9d exposures%s%n",
                variants.get(i),
                users[i],
                exposures[i],
                i == 0 ? "  (control)" : ""));
      }
      out.append(
          String.format(
              Locale.ROOT,
              "%-12s %-19s %7s %10s %10s %24s %7s %7s %7s  %s%n",
              "variant",
              "metric",
              "users",
              "value",
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
                "%-12s %-19s %7d %10.4f %10.4f %+7.1f%% [%+6.1f, %+6.1f] %7.4f %7.4f %7.4f  %s%n",
                r.variant(),
                (r.judged() ? "* " : "  ") + r.metric(),
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
          "* judged metrics (the decision family); the others are guardrails, adjusted in a family"
              + " of their own.\n"
              + "Metrics are ratios over users (per exposure). p: fixed-horizon (Welch / two"
              + " proportions with one exposure per user, else delta-method z); p(av):"
              + " always-valid (mixture SPRT), safe to read at any time; p(Holm): p(av) adjusted"
              + " by Holm within its family; decisions at 0.05 on p(Holm).\n");
      return out.toString();
    }
  }

  private ExperimentReport() {}

  /**
   * @param moments per variant name, per metric name, the cumulative sufficient statistics
   */
  public static Result of(ExperimentPlan plan, Map<String, Map<String, Moments>> moments) {
    List<String> names = plan.variants().stream().map(ExperimentPlan.Variant::name).toList();
    long[] users = new long[names.size()];
    long[] exposures = new long[names.size()];
    double[] weights = new double[names.size()];
    for (int i = 0; i < names.size(); i++) {
      Moments e =
          moments.getOrDefault(names.get(i), Map.of()).getOrDefault("exposures_per_user", null);
      users[i] = e == null ? 0 : e.n();
      exposures[i] = e == null ? 0 : Math.round(e.sum());
      weights[i] = plan.variants().get(i).weight();
    }
    double srm =
        Arrays.stream(users).sum() == 0 ? Double.NaN : Statistics.sampleRatioP(users, weights);
    List<String> judged =
        plan.metrics() == null || plan.metrics().isEmpty()
            ? ExperimentMetrics.DEFAULT_JUDGED
            : plan.metrics();
    Map<String, Moments> control = moments.getOrDefault(names.get(0), Map.of());
    List<Row> rows = new ArrayList<>();
    for (String v : names.subList(1, names.size())) {
      Map<String, Moments> treatment = moments.getOrDefault(v, Map.of());
      for (Metric metric : ExperimentMetrics.ALL) {
        Moments c = control.get(metric.name());
        Moments t = treatment.get(metric.name());
        if (c == null || t == null || c.n() < 2 || t.n() < 2 || c.sum() == 0 && t.sum() == 0) {
          continue; // too few users, or no event of this kind in either arm
        }
        rows.add(row(v, metric, judged.contains(metric.name()), c, t));
      }
    }
    return new Result(plan.id(), names, users, exposures, srm, decide(rows));
  }

  private static Row row(String variant, Metric metric, boolean judged, Moments c, Moments t) {
    double p;
    if (c.meanVariance() == 0 && t.meanVariance() == 0) {
      p = c.mean() == t.mean() ? 1 : 0; // constant in both arms: no doubt either way
    } else if (c.perUnit() && t.perUnit()) {
      p =
          metric.rate()
              ? Statistics.twoProportionP(Math.round(c.sum()), c.n(), Math.round(t.sum()), t.n())
              : Statistics.welchP(c, t);
    } else {
      p = Statistics.deltaP(c, t);
    }
    double tau2 =
        Math.max(
            1e-12, TAU2_RELATIVE * Math.max(c.n() * c.meanVariance(), t.n() * t.meanVariance()));
    return new Row(
        variant,
        metric.name(),
        judged,
        t.n(),
        t.mean(),
        c.n(),
        c.mean(),
        c.mean() == 0
            ? new Statistics.Lift(Double.NaN, Double.NaN, Double.NaN)
            : Statistics.relativeLift(c, t),
        p,
        Statistics.alwaysValidP(c, t, tau2),
        Double.NaN,
        "");
  }

  /** Holm over each family (judged, guardrails) and the decision of each row. */
  private static List<Row> decide(List<Row> rows) {
    Row[] out = new Row[rows.size()];
    for (boolean family : new boolean[] {true, false}) {
      List<Integer> at = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        if (rows.get(i).judged() == family) {
          at.add(i);
        }
      }
      double[] adjusted =
          Statistics.holm(at.stream().mapToDouble(i -> rows.get(i).alwaysValidP()).toArray());
      for (int k = 0; k < at.size(); k++) {
        Row r = rows.get(at.get(k));
        String decision =
            adjusted[k] >= ALPHA
                ? "inconclusive"
                : (r.mean() > r.controlMean() ? "higher" : "lower") + " than control";
        out[at.get(k)] =
            new Row(
                r.variant(),
                r.metric(),
                r.judged(),
                r.n(),
                r.mean(),
                r.controlN(),
                r.controlMean(),
                r.lift(),
                r.p(),
                r.alwaysValidP(),
                adjusted[k],
                decision);
      }
    }
    return List.of(out);
  }
}
