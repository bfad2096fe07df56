package io.pigeonstreams.personalize.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pigeonstreams.personalize.experiment.Statistics.Moments;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Expected values computed independently with SciPy 1.17 (normal samples drawn with numpy, seed 3:
 * control N(1.0, 0.5) x 400, treatment N(1.08, 0.6) x 380; only their sufficient statistics are
 * used here) and, for Holm, by hand.
 */
class StatisticsTest {

  private static final Moments CONTROL = new Moments(400, 406.7872510311204, 515.2812624889344);
  private static final Moments TREATMENT = new Moments(380, 423.7710820768891, 604.3796088388721);

  @Test
  void shouldMatchScipyOnWelchLiftAndProportions() {
    // scipy.stats.ttest_ind(t, c, equal_var=False).pvalue
    assertThat(Statistics.welchP(CONTROL, TREATMENT)).isCloseTo(0.012867020655621604, within(1e-9));
    Statistics.Lift lift = Statistics.relativeLift(CONTROL, TREATMENT);
    assertThat(lift.lift()).isCloseTo(0.0965801462757856, within(1e-12));
    assertThat(lift.low()).isCloseTo(0.017572976387054712, within(1e-9));
    assertThat(lift.high()).isCloseTo(0.17558731616451648, within(1e-9));
    // 120/1000 vs 150/1000, pooled z: 2 * norm.sf(|z|)
    assertThat(Statistics.twoProportionP(120, 1000, 150, 1000))
        .isCloseTo(0.04964038686536878, within(1e-9));
  }

  @Test
  void shouldFlagASampleRatioMismatchAndNotAFairSplit() {
    // scipy.stats.chisquare([5000, 5300], [5150, 5150]) and ([1000, 1003, 997], equal)
    assertThat(Statistics.sampleRatioP(new long[] {5000, 5300}, new double[] {0.5, 0.5}))
        .isCloseTo(0.003116693839866867, within(1e-9));
    assertThat(
            Statistics.sampleRatioP(
                new long[] {1000, 1003, 997}, new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}))
        .isCloseTo(0.9910403787728836, within(1e-9));
  }

  @Test
  void shouldAdjustWithHolmAndGiveAnAlwaysValidPValue() {
    // by hand: sorted 0.005*4, 0.01*3, 0.03*2 (=0.06), 0.04*1 -> running max
    assertThat(Statistics.holm(new double[] {0.01, 0.04, 0.03, 0.005}))
        .containsExactly(new double[] {0.03, 0.06, 0.06, 0.02}, within(1e-12));
    // mixture SPRT, tau^2 = 0.01 (the formula of Johari et al. in numpy)
    assertThat(Statistics.alwaysValidP(CONTROL, TREATMENT, 0.01))
        .isCloseTo(0.18502104470297798, within(1e-9));
  }

  @Test
  void shouldKeepTheAlwaysValidErrorRateWhenPeekingEveryStepOfAnAaTest() {
    // 200 A/A runs, each peeked at after every 20 users per arm up to 2,000: a fixed-horizon
    // test peeked this often rejects far more than 5%; the always-valid p-value must not
    SplittableRandom rng = new SplittableRandom(11);
    int falseAlarms = 0;
    for (int run = 0; run < 200; run++) {
      Moments a = new Moments(0, 0, 0);
      Moments b = new Moments(0, 0, 0);
      boolean rejected = false;
      for (int n = 1; n <= 2000 && !rejected; n++) {
        a = a.add(rng.nextGaussian());
        b = b.add(rng.nextGaussian());
        if (n % 20 == 0 && n >= 40) {
          rejected = Statistics.alwaysValidP(a, b, 0.01) < 0.05;
        }
      }
      falseAlarms += rejected ? 1 : 0;
    }
    assertThat(falseAlarms / 200.0).isLessThanOrEqualTo(0.05);
  }
}
