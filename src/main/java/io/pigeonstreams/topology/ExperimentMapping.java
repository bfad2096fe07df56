package io.pigeonstreams.topology;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.Experiment;
import io.pigeonstreams.avro.ExperimentOutcome;
import io.pigeonstreams.avro.ExperimentStatus;
import io.pigeonstreams.avro.ExperimentUsers;
import io.pigeonstreams.avro.Exposure;
import io.pigeonstreams.avro.MetricMoments;
import io.pigeonstreams.avro.ServedImage;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.avro.UserOutcomes;
import io.pigeonstreams.avro.Variant;
import io.pigeonstreams.avro.VariantResults;
import io.pigeonstreams.personalize.Answer;
import io.pigeonstreams.personalize.experiment.ExperimentMetrics;
import io.pigeonstreams.personalize.experiment.ExperimentPlan;
import io.pigeonstreams.personalize.experiment.Statistics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The experiments' Avro records to the request path's plain ones and back: definitions, exposures
 * and the outcomes aggregated per experiment, variant and metric ({@link AvroMapping} does the
 * rest).
 */
public final class ExperimentMapping {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ExperimentMapping.class);

  private ExperimentMapping() {}

  /**
   * A variant from its command-line form {@code
   * NAME:WEIGHT[:alpha_h=X][:alpha_r=X][:candidates=K][:model=VERSION][:generator=G]}.
   *
   * @throws IllegalArgumentException for a malformed spec, with the reason
   */
  public static Variant variant(String spec) {
    String[] parts = spec.split(":");
    if (parts.length < 2) {
      throw new IllegalArgumentException(
          "a variant is NAME:WEIGHT[:key=value...], got '" + spec + "'");
    }
    try {
      Variant v =
          Variant.newBuilder().setName(parts[0]).setWeight(Double.parseDouble(parts[1])).build();
      for (int i = 2; i < parts.length; i++) {
        String[] kv = parts[i].split("=", 2);
        String value = kv.length == 2 ? kv[1] : "";
        switch (kv[0]) {
          case "alpha_h" -> v.setAlphaH(Double.parseDouble(value));
          case "alpha_r" -> v.setAlphaR(Double.parseDouble(value));
          case "candidates" -> v.setCandidates(Integer.parseInt(value));
          case "model" -> v.setModelVersion(value);
          case "generator" -> v.setGenerator(value);
          default ->
              throw new IllegalArgumentException(
                  "unknown override '"
                      + kv[0]
                      + "' in '"
                      + spec
                      + "' (alpha_h, alpha_r, candidates, model, generator)");
        }
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("variant '" + spec + "': " + e.getMessage(), e);
    }
  }

  /** An experiment's definition as the request path applies it. */
  public static ExperimentPlan experimentPlan(Experiment e) {
    List<ExperimentPlan.Variant> variants = new ArrayList<>();
    for (Variant v : e.getVariants()) {
      variants.add(
          new ExperimentPlan.Variant(
              v.getName(),
              v.getWeight(),
              v.getAlphaH(),
              v.getAlphaR(),
              v.getCandidates(),
              v.getModelVersion(),
              v.getGenerator()));
    }
    return new ExperimentPlan(
        e.getId(),
        e.getStatus() == ExperimentStatus.RUNNING,
        variants,
        e.getCoverage(),
        e.getHashSeed(),
        e.getHashVersion(),
        List.copyOf(e.getMetrics()),
        e.getStartAt().toEpochMilli(),
        e.getStopAt() == null ? null : e.getStopAt().toEpochMilli());
  }

  /** What an answer of an experiment's variant measures: its exposure, latency and status. */
  static List<ExperimentOutcome> outcomes(Answer a) {
    String e = a.experimentId();
    String v = a.experimentVariant();
    Instant t = a.timestamp();
    String u = a.userId();
    return List.of(
        new ExperimentOutcome(e, v, ExperimentMetrics.EXPOSURES, 1.0, t, u),
        new ExperimentOutcome(e, v, "latency_ms", (double) a.latencyMs(), t, u),
        new ExperimentOutcome(
            e, v, "rejected", a.status() == Answer.Status.REJECTED ? 1.0 : 0.0, t, u),
        new ExperimentOutcome(
            e, v, "cold_start", a.status() == Answer.Status.COLD_START ? 1.0 : 0.0, t, u));
  }

  /** A labelled reaction to an image served in an experiment: one of its kind (like, skip, ...). */
  static ExperimentOutcome reactionOutcome(ServedImage s, Action action, Instant at) {
    return new ExperimentOutcome(
        s.getExperimentId(),
        s.getExperimentVariant(),
        action.name().toLowerCase(java.util.Locale.ROOT),
        1.0,
        at,
        s.getUserId());
  }

  /** A user's sums per outcome, with {@code o} added. */
  static UserOutcomes addTo(UserOutcomes u, ExperimentOutcome o) {
    java.util.Map<String, Double> totals =
        u == null ? new java.util.HashMap<>() : new java.util.HashMap<>(u.getTotals());
    totals.merge(o.getMetric(), o.getValue(), Double::sum);
    return new UserOutcomes(o.getExperimentId(), o.getVariant(), o.getUserId(), totals);
  }

  /**
   * A variant's moments with one user's sums added ({@code sign} 1) or taken out (−1, the user's
   * previous sums when they change).
   */
  static VariantResults addUser(
      VariantResults r, UserOutcomes u, int sign, java.time.Instant windowStart) {
    java.util.Map<String, MetricMoments> metrics =
        r == null ? new java.util.HashMap<>() : new java.util.HashMap<>(r.getMetrics());
    for (ExperimentMetrics.Metric m : ExperimentMetrics.ALL) {
      double[] xy = m.of(u.getTotals());
      double x = xy[0];
      double y = xy[1];
      MetricMoments old = metrics.get(m.name());
      metrics.put(
          m.name(),
          MetricMoments.newBuilder()
              .setExperimentId(u.getExperimentId())
              .setVariant(u.getVariant())
              .setMetric(m.name())
              .setN((old == null ? 0 : old.getN()) + sign)
              .setSum((old == null ? 0 : old.getSum()) + sign * x)
              .setSumSquares((old == null ? 0 : old.getSumSquares()) + sign * x * x)
              .setDenominatorSum((old == null ? 0 : old.getDenominatorSum()) + sign * y)
              .setDenominatorSumSquares(
                  (old == null ? 0 : old.getDenominatorSumSquares()) + sign * y * y)
              .setCrossSum((old == null ? 0 : old.getCrossSum()) + sign * x * y)
              .setWindowStart(windowStart)
              .build());
    }
    return new VariantResults(u.getExperimentId(), u.getVariant(), windowStart, metrics);
  }

  /**
   * An experiment's users per variant with variant results {@code r} added ({@code sign} 1) or its
   * previous ones taken out (−1).
   */
  static ExperimentUsers users(ExperimentUsers u, VariantResults r, int sign) {
    java.util.Map<String, Long> users =
        u == null ? new java.util.HashMap<>() : new java.util.HashMap<>(u.getUsers());
    MetricMoments m = r.getMetrics().get("exposures_per_user");
    users.merge(r.getVariant(), sign * (m == null ? 0 : m.getN()), Long::sum);
    return new ExperimentUsers(r.getExperimentId(), users);
  }

  /** The plain moments of a published metric. */
  public static Statistics.Moments moments(MetricMoments m) {
    return new Statistics.Moments(
        m.getN(),
        m.getSum(),
        m.getSumSquares(),
        m.getDenominatorSum(),
        m.getDenominatorSumSquares(),
        m.getCrossSum());
  }

  /** The exposure an answer of an experiment's variant makes. */
  static Exposure exposure(Answer a) {
    return Exposure.newBuilder()
        .setExperimentId(a.experimentId())
        .setVariant(a.experimentVariant())
        .setUserId(a.userId())
        .setRequestId(a.requestId())
        .setImageId(a.imageId())
        .setStatus(Status.valueOf(a.status().name()))
        .setLatencyMs(a.latencyMs())
        .setTimestamp(a.timestamp())
        .build();
  }

  /**
   * The experiment definitions in the experiments store; a malformed one is logged once per
   * instance (its problems added to {@code logged}) and kept, so that its requests say why.
   */
  static List<ExperimentPlan> plans(
      ReadOnlyKeyValueStore<String, ValueAndTimestamp<Experiment>> experiments,
      Set<String> logged) {
    List<ExperimentPlan> out = new ArrayList<>();
    try (KeyValueIterator<String, ValueAndTimestamp<Experiment>> all = experiments.all()) {
      while (all.hasNext()) {
        ValueAndTimestamp<Experiment> v = all.next().value;
        if (v != null && v.value() != null) {
          ExperimentPlan plan = experimentPlan(v.value());
          List<String> problems = plan.problems();
          if (!problems.isEmpty() && logged.add(plan.id() + ": " + problems)) {
            LOG.warn(
                "experiment '{}' ignored: its definition is malformed: {}",
                plan.id(),
                String.join("; ", problems));
          }
          out.add(plan);
        }
      }
    }
    return out;
  }
}
