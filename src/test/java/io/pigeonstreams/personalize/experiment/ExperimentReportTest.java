package io.pigeonstreams.personalize.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.personalize.experiment.Statistics.Moments;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The report on experiments simulated in memory: it finds a real difference and no false one. */
class ExperimentReportTest {

  private static final ExperimentPlan PLAN =
      new ExperimentPlan(
          "e1",
          true,
          List.of(
              new ExperimentPlan.Variant("control", 0.5, null, null, null),
              new ExperimentPlan.Variant("treatment", 0.5, 0.0, null, null)),
          1,
          "",
          2,
          List.of("like_rate"),
          0,
          null);

  /**
   * Per variant, users who each see 1 to 4 images, wait ~ N(800, 100) ms for each, and like each
   * with their own probability: the arm's rate, varying by user (so a user's likes are correlated,
   * as real users' are).
   */
  private static Map<String, Map<String, Moments>> simulate(
      SplittableRandom rng, int[] users, double[] likeRate) {
    Map<String, Map<String, Moments>> out = new HashMap<>();
    String[] names = {"control", "treatment"};
    for (int v = 0; v < 2; v++) {
      List<Map<String, Double>> totals = new java.util.ArrayList<>();
      for (int u = 0; u < users[v]; u++) {
        int exposures = 1 + rng.nextInt(4);
        double p = Math.min(1, Math.max(0, likeRate[v] + 0.15 * rng.nextGaussian()));
        double latency = 0;
        double likes = 0;
        for (int i = 0; i < exposures; i++) {
          latency += 800 + 100 * rng.nextGaussian();
          likes += rng.nextDouble() < p ? 1 : 0;
        }
        totals.add(Map.of("exposures", (double) exposures, "latency_ms", latency, "like", likes));
      }
      out.put(names[v], ExperimentMetrics.moments(totals));
    }
    return out;
  }

  @Test
  void shouldFindTheArmThatTrulyLikesMore() {
    ExperimentReport.Result r =
        ExperimentReport.of(
            PLAN,
            simulate(new SplittableRandom(5), new int[] {3000, 3000}, new double[] {0.30, 0.36}));
    ExperimentReport.Row like =
        r.rows().stream().filter(x -> x.metric().equals("like_rate")).findFirst().orElseThrow();
    assertThat(like.decision()).isEqualTo("higher than control");
    assertThat(like.lift().low()).isPositive();
    assertThat(r.sampleRatioMismatch()).isFalse();
    assertThat(r.render()).contains("like_rate").contains("higher than control").contains("Holm");
  }

  @Test
  void shouldFindNothingInAnAaTestInAtLeast95PercentOfSeeds() {
    int falseFindings = 0;
    int seeds = 300;
    for (int seed = 0; seed < seeds; seed++) {
      ExperimentReport.Result r =
          ExperimentReport.of(
              PLAN,
              simulate(
                  new SplittableRandom(1000 + seed),
                  new int[] {1500, 1500},
                  new double[] {0.3, 0.3}));
      if (r.rows().stream().anyMatch(x -> !x.decision().equals("inconclusive"))) {
        falseFindings++;
      }
    }
    assertThat(falseFindings / (double) seeds).isLessThanOrEqualTo(0.05);
  }

  @Test
  void shouldFlagLostExposuresOfOneArmAsASampleRatioMismatch() {
    // exposures of the treatment dropped on the way: 3000 vs 2700 for a 50/50 split
    ExperimentReport.Result r =
        ExperimentReport.of(
            PLAN,
            simulate(new SplittableRandom(9), new int[] {3000, 2700}, new double[] {0.3, 0.3}));
    assertThat(r.srmP()).isLessThan(0.001);
    assertThat(r.sampleRatioMismatch()).isTrue();
    assertThat(r.render()).startsWith("experiment e1\n!! SAMPLE RATIO MISMATCH");
  }
}
