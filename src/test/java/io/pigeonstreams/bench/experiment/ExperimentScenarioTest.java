package io.pigeonstreams.bench.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.personalize.experiment.ExperimentReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Experiments on the embedded broker with the real model and simulated users who react through the
 * reaction model: Pigeon against the U-Net (a generator override), with the report computed from
 * what the engine published checked against the raw exposures and reactions; and a run that loses
 * most of one arm's users on the client, which the sample-ratio check must flag.
 */
class ExperimentScenarioTest {

  private static ExperimentScenario.Result run(
      Path out,
      int users,
      int requestsPerUser,
      List<String> variants,
      String dropVariant,
      double dropShare)
      throws Exception {
    var ds = TestData.dataset();
    var benchmark =
        new UserSimulator(ds).simulate(SimulationConfig.defaults(42, 0.2).withUsers(users * 10));
    return new ExperimentScenario(
            new ExperimentScenario.Settings(
                users,
                requestsPerUser,
                0.2,
                42,
                variants,
                List.of("like_rate"),
                dropVariant,
                dropShare,
                out),
            ds,
            benchmark,
            Path.of("models"),
            new PrintWriter(new StringWriter()))
        .run();
  }

  @Test
  void shouldServeEachArmWithItsGeneratorAndPublishWhatTheRawTopicsSay(@TempDir Path out)
      throws Exception {
    // Pigeon against the retrieval baseline, which returns a history image: in the user's
    // style, which is what the simulated users like most (style accuracy 0.72 vs 0.16 offline)
    ExperimentScenario.Result r =
        run(out, 300, 3, List.of("pigeon:0.5", "retrieval:0.5:generator=nearest-history"), null, 0);

    // every request answered and reacted to; each arm by its own generator
    assertThat(r.answered()).isEqualTo(r.sent()).isEqualTo(900);
    assertThat(r.reactions()).isEqualTo(r.answered());
    assertThat(r.modelVersions().get("pigeon")).singleElement().asString().startsWith("pigeon");
    assertThat(r.modelVersions().get("retrieval")).containsExactly("nearest-history-v1");
    // the engine's sums are exactly those recomputed from exposures and interactions
    assertThat(r.publishedMoments()).isNotEmpty();
    assertThat(r.agree())
        .as("published %s%nrecomputed %s", r.published().render(), r.recomputed().render())
        .isTrue();
    long[] users = r.published().users();
    assertThat(users[0] + users[1]).isEqualTo(300);
    assertThat(r.published().sampleRatioMismatch()).isFalse();
    // and the report finds the better arm on the metric it is judged by
    ExperimentReport.Row like =
        r.published().rows().stream()
            .filter(x -> x.metric().equals("like_rate"))
            .findFirst()
            .orElseThrow();
    assertThat(like.judged()).isTrue();
    assertThat(like.n()).isEqualTo(users[1]);
    assertThat(like.decision()).as(r.published().render()).isEqualTo("higher than control");
    assertThat(like.lift().low()).isPositive();
  }

  @Test
  void shouldFlagASampleRatioMismatchWhenOneArmLosesUsers(@TempDir Path out) throws Exception {
    ExperimentScenario.Result r =
        run(out, 300, 1, List.of("pigeon:0.5", "unet:0.5:generator=unet"), "unet", 0.6);

    assertThat(r.modelVersions().get("unet")).singleElement().asString().startsWith("unet@");
    assertThat(r.dropped()).isPositive();
    assertThat(r.agree()).isTrue();
    assertThat(r.published().srmP()).isLessThan(ExperimentReport.SRM_THRESHOLD);
    assertThat(r.published().render()).contains("SAMPLE RATIO MISMATCH");
  }
}
