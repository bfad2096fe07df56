package io.pigeonstreams.personalize.experiment;

import io.pigeonstreams.personalize.Personalizer;
import io.pigeonstreams.personalize.Request;
import java.util.Comparator;
import java.util.List;

/**
 * The experiments a request meets: of those running at the time, in id order, the first whose
 * coverage includes the user assigns it (a user is in at most one experiment per request, so
 * overrides never mix). The variant's overrides replace the request's own values.
 */
public final class Experiments {

  /** A user's place in an experiment. */
  public record Assigned(String experimentId, ExperimentPlan.Variant variant) {

    /** The model the variant is generated with (null: the one serving). */
    public Personalizer.Arm arm() {
      return variant.arm();
    }

    /** The request with the variant's overrides and the variant's name. */
    public Request apply(Request r) {
      ExperimentPlan.Variant v = variant;
      return new Request(
          r.requestId(),
          r.userId(),
          r.referenceItemId(),
          r.referenceImage(),
          r.instruction(),
          v.alphaH() != null ? v.alphaH() : r.alphaH(),
          v.alphaR() != null ? v.alphaR() : r.alphaR(),
          v.candidates() != null ? v.candidates() : r.candidates(),
          v.name(),
          r.timestamp(),
          r.options(),
          experimentId);
    }
  }

  private Experiments() {}

  /** The assignment of {@code userId} at {@code nowMs}, or null (no experiment includes it). */
  public static Assigned assign(List<ExperimentPlan> plans, String userId, long nowMs) {
    return assignAmong(active(plans, nowMs), userId);
  }

  /**
   * The experiments that assign users at {@code nowMs}, well-formed, in id order: what {@link
   * #assignAmong} takes (computed once per micro-batch, not per request).
   */
  public static List<ExperimentPlan> active(List<ExperimentPlan> plans, long nowMs) {
    return plans.stream()
        .filter(p -> p.activeAt(nowMs) && p.problems().isEmpty())
        .sorted(Comparator.comparing(ExperimentPlan::id))
        .toList();
  }

  /** The models the variants of {@code active} are generated with (other than the serving one). */
  public static java.util.Set<Personalizer.Arm> arms(List<ExperimentPlan> active) {
    java.util.Set<Personalizer.Arm> out = new java.util.HashSet<>();
    for (ExperimentPlan p : active) {
      for (ExperimentPlan.Variant v : p.variants()) {
        if (v.arm() != null) {
          out.add(v.arm());
        }
      }
    }
    return out;
  }

  /** The first of {@code active} whose coverage includes {@code userId}, or null. */
  public static Assigned assignAmong(List<ExperimentPlan> active, String userId) {
    if (userId == null || userId.isBlank()) {
      return null;
    }
    for (ExperimentPlan p : active) {
      ExperimentPlan.Variant v = p.variantOf(userId);
      if (v != null) {
        return new Assigned(p.id(), v);
      }
    }
    return null;
  }
}
