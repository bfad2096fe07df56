package io.pigeonstreams.personalize.experiment;

import io.pigeonstreams.personalize.experiment.Statistics.Moments;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics an experiment is measured by, each a ratio over users (the unit users are assigned
 * by): per user, the sum of what its answers and reactions contributed to the numerator over its
 * exposures. Outcomes are what the stream records per user: {@code exposures}, {@code latency_ms},
 * {@code rejected}, {@code cold_start} (one per answer) and {@code like}, {@code save}, {@code
 * share}, {@code skip}, {@code dislike} (one per reaction to a served image).
 */
public final class ExperimentMetrics {

  /** The outcome every rate is divided by. */
  public static final String EXPOSURES = "exposures";

  /**
   * A metric: Σ numerator / Σ denominator over users.
   *
   * @param denominator null: 1 per user (a mean over users)
   * @param rate whether each numerator event is a 0/1 outcome of an exposure
   */
  public record Metric(String name, String numerator, String denominator, boolean rate) {

    /** What {@code totals} (a user's sums per outcome) adds to this metric: {x, y}. */
    public double[] of(Map<String, Double> totals) {
      double x = totals.getOrDefault(numerator, 0.0);
      double y = denominator == null ? 1 : totals.getOrDefault(denominator, 0.0);
      return new double[] {x, y};
    }
  }

  /** Every metric, in report order. */
  public static final List<Metric> ALL =
      List.of(
          new Metric("like_rate", "like", EXPOSURES, true),
          new Metric("save_rate", "save", EXPOSURES, true),
          new Metric("share_rate", "share", EXPOSURES, true),
          new Metric("skip_rate", "skip", EXPOSURES, true),
          new Metric("dislike_rate", "dislike", EXPOSURES, true),
          new Metric("latency_ms", "latency_ms", EXPOSURES, false),
          new Metric("rejected_rate", "rejected", EXPOSURES, true),
          new Metric("cold_start_rate", "cold_start", EXPOSURES, true),
          new Metric("exposures_per_user", EXPOSURES, null, false));

  /** What an experiment is judged by when its definition names no metric. */
  public static final List<String> DEFAULT_JUDGED = List.of("like_rate");

  private ExperimentMetrics() {}

  public static Optional<Metric> named(String name) {
    return ALL.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /** The moments of every metric over {@code users} (each one user's sums per outcome). */
  public static Map<String, Moments> moments(Iterable<Map<String, Double>> users) {
    Map<String, Moments> out = new LinkedHashMap<>();
    ALL.forEach(m -> out.put(m.name(), Moments.EMPTY));
    for (Map<String, Double> totals : users) {
      for (Metric m : ALL) {
        double[] xy = m.of(totals);
        out.put(m.name(), out.get(m.name()).add(xy[0], xy[1]));
      }
    }
    return out;
  }
}
