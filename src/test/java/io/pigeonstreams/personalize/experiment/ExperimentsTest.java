package io.pigeonstreams.personalize.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.personalize.Request;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExperimentsTest {

  private static ExperimentPlan plan(String id, double coverage, double... weights) {
    return new ExperimentPlan(
        id,
        true,
        List.of(
            new ExperimentPlan.Variant("control", weights[0], null, null, null),
            new ExperimentPlan.Variant("no-mask", weights[1], 0.0, null, 11)),
        coverage,
        "",
        2,
        List.of("like_rate"),
        0,
        null);
  }

  @Test
  void shouldAssignEveryUserTheSameVariantByWeightAndLeaveOutTheUncovered() {
    ExperimentPlan p = plan("alpha-h", 0.5, 0.3, 0.7);
    Map<String, Integer> counts = new HashMap<>();
    for (int u = 0; u < 20_000; u++) {
      Experiments.Assigned a = Experiments.assign(List.of(p), "user-" + u, 1);
      String key = a == null ? "outside" : a.variant().name();
      counts.merge(key, 1, Integer::sum);
      // sticky: the same answer again (no state anywhere)
      Experiments.Assigned again = Experiments.assign(List.of(p), "user-" + u, 2);
      assertThat(again == null ? "outside" : again.variant().name()).isEqualTo(key);
    }
    // half the users covered, split 30/70 (binomial noise on 20,000 draws is under 1%)
    assertThat(counts.get("outside") / 20_000.0)
        .isCloseTo(0.5, org.assertj.core.api.Assertions.within(0.015));
    assertThat(counts.get("control") / 20_000.0)
        .isCloseTo(0.15, org.assertj.core.api.Assertions.within(0.015));
    assertThat(counts.get("no-mask") / 20_000.0)
        .isCloseTo(0.35, org.assertj.core.api.Assertions.within(0.015));
  }

  @Test
  void shouldApplyTheVariantsOverridesAndNameTheVariant() {
    ExperimentPlan p = plan("alpha-h", 1, 0, 1); // everyone in the treatment
    Request r = new Request("r1", "u1", "item", null, "", 0.2, null, 1, null, Instant.EPOCH, 1);
    Experiments.Assigned a = Experiments.assign(List.of(p), "u1", 5);
    Request applied = a.apply(r);
    assertThat(a.experimentId()).isEqualTo("alpha-h");
    assertThat(applied.alphaH()).isEqualTo(0.0);
    assertThat(applied.alphaR()).isNull(); // not overridden: the engine's default
    assertThat(applied.candidates()).isEqualTo(11);
    assertThat(applied.experimentVariant()).isEqualTo("no-mask");
  }

  @Test
  void shouldSkipStoppedNotYetStartedAndMalformedExperiments() {
    ExperimentPlan stopped =
        new ExperimentPlan(
            "a", false, plan("a", 1, 0.5, 0.5).variants(), 1, "", 2, List.of(), 0, null);
    ExperimentPlan later =
        new ExperimentPlan(
            "b", true, plan("b", 1, 0.5, 0.5).variants(), 1, "", 2, List.of(), 100, null);
    ExperimentPlan bad = plan("c", 1, 0.5, 0.6);
    assertThat(bad.problems()).containsExactly("weights sum to 1.1000, not 1");
    assertThat(Experiments.assign(List.of(stopped, later, bad), "u1", 50)).isNull();
    assertThat(Experiments.assign(List.of(stopped, later, bad), "u1", 150).experimentId())
        .isEqualTo("b");
  }

  @Test
  void shouldNameEveryProblemOfAMalformedDefinition() {
    ExperimentPlan p =
        new ExperimentPlan(
            "",
            true,
            List.of(
                new ExperimentPlan.Variant("a", -0.2, 1.5, null, 0),
                new ExperimentPlan.Variant("a", 1.2, null, -1.0, null)),
            1.5,
            "",
            3,
            List.of(),
            10,
            5L);
    assertThat(p.problems())
        .containsExactly(
            "missing experiment id",
            "variant 'a' has weight -0.2; weights are >= 0",
            "variant 'a': alpha_h must be in [0, 1], got 1.5",
            "variant 'a': candidates must be in [1, 11], got 0",
            "variant 'a' appears twice",
            "variant 'a': alpha_r must be in [0, 1], got -1.0",
            "coverage must be in [0, 1], got 1.5",
            "hash version must be 1 or 2, got 3",
            "stops before it starts");
  }
}
