package io.pigeonstreams.topology;

import io.pigeonstreams.avro.Experiment;
import io.pigeonstreams.avro.ExperimentOutcome;
import io.pigeonstreams.avro.ExperimentStatus;
import io.pigeonstreams.avro.Exposure;
import io.pigeonstreams.avro.ServedImage;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.avro.Variant;
import io.pigeonstreams.personalize.Answer;
import io.pigeonstreams.personalize.experiment.ExperimentPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The experiments' Avro records to the request path's plain ones and back: definitions, exposures
 * and the outcomes aggregated per experiment, variant and metric ({@link AvroMapping} does the
 * rest).
 */
public final class ExperimentMapping {

  private ExperimentMapping() {}

  /** An experiment's definition as the request path applies it. */
  public static ExperimentPlan experimentPlan(Experiment e) {
    List<ExperimentPlan.Variant> variants = new ArrayList<>();
    for (Variant v : e.getVariants()) {
      variants.add(
          new ExperimentPlan.Variant(
              v.getName(), v.getWeight(), v.getAlphaH(), v.getAlphaR(), v.getCandidates()));
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
    return List.of(
        new ExperimentOutcome(e, v, "exposures", 1.0, t),
        new ExperimentOutcome(e, v, "latency_ms", (double) a.latencyMs(), t),
        new ExperimentOutcome(
            e, v, "rejected", a.status() == Answer.Status.REJECTED ? 1.0 : 0.0, t),
        new ExperimentOutcome(
            e, v, "cold_start", a.status() == Answer.Status.COLD_START ? 1.0 : 0.0, t));
  }

  /** A reaction to an image served in an experiment: 1 when positive, 0 when negative. */
  static ExperimentOutcome likeOutcome(ServedImage s, boolean label, Instant at) {
    return new ExperimentOutcome(
        s.getExperimentId(), s.getExperimentVariant(), "like_rate", label ? 1.0 : 0.0, at);
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
}
