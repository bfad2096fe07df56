package io.pigeonstreams.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.pigeonstreams.TestData;
import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.eval.judge.Judge;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The evaluator with the committed judges, on generators whose right answers are known. */
class EvaluatorTest {

  static StickerDataset ds;
  static Judge style;
  static Judge identity;
  static Evaluator evaluator;
  static List<Sample> samples;

  @BeforeAll
  static void setUp() throws Exception {
    ds = TestData.dataset();
    style = Judge.load(TestData.JUDGES, Judge.STYLE, ds.styleCount());
    identity = Judge.load(TestData.JUDGES, Judge.IDENTITY, ds.emojiCount());
    evaluator = new Evaluator(ds, style, identity, false);
    samples =
        new UserSimulator(ds).simulate(SimulationConfig.defaults(42, 0.2)).samples(Split.TEST);
    samples = samples.subList(0, 300);
  }

  @AfterAll
  static void tearDown() {
    style.close();
    identity.close();
  }

  @Test
  void shouldScoreTheGroundTruthAsPerfectlySimilarToItself() {
    // Given a generator that returns exactly the ground truth
    List<float[]> truths = new ArrayList<>();
    for (Sample s : samples) {
      truths.add(ds.image(s.groundTruth().emoji(), s.groundTruth().style()));
    }

    // When it is scored
    MetricsRow row = evaluator.score("oracle", samples, truths, "test", 42, 0.2);

    // Then MS-SSIM to the truth is 1, the Frechet distance to the truths is 0, and the style
    // judge recognizes the user's style in (held-out) real images
    assertThat(row.msssimGt()).isCloseTo(1.0, offset(1e-9));
    assertThat(row.fd()).isCloseTo(0.0, offset(1e-3));
    assertThat(row.styleAcc()).isGreaterThan(0.85);
    assertThat(row.overall())
        .isCloseTo(MetricsRow.harmonicMean(row.styleAcc(), row.identityTop5()), offset(1e-12));
  }

  @Test
  void shouldGiveGrdPerfectReferenceSimilarityAndLittlePersonalization() {
    // Given Grd, which returns the reference (always in another style than the user's)
    Evaluator.Result result = evaluator.evaluate(Baselines.grd(), samples, "test", 42, 0.2);

    // Then it is identical to the reference in judge space, and rarely in the user's style
    assertThat(result.row().refSim()).isCloseTo(1.0, offset(1e-6));
    assertThat(result.row().styleAcc()).isLessThan(0.1);
    assertThat(result.row().identityTop5()).isGreaterThan(0.9);
    assertThat(result.generated()).hasSize(samples.size());
  }

  @Test
  void shouldRankHistoryCopiesAbovePureReferencesOnPersonalization() {
    MetricsRow grd = evaluator.evaluate(Baselines.grd(), samples, "test", 42, 0.2).row();
    MetricsRow hist = evaluator.evaluate(Baselines.randomHistory(), samples, "test", 42, 0.2).row();
    assertThat(hist.styleAcc()).isGreaterThan(grd.styleAcc());
    assertThat(hist.histSim()).isGreaterThan(grd.histSim());
    assertThat(hist.identityTop5()).isLessThan(grd.identityTop5());
  }
}
