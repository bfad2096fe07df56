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
  void shouldMatchNumpyOnARatioMetricsDeltaMethod() {
    // 10 users per arm, likes x over exposures y; numpy: R = Σx/Σy, V = var(x − R·y, ddof=1) /
    // (n ȳ²) (the linearized form), z-test and lift interval from those
    Moments c = new Moments(10, 9, 17, 21, 57, 28);
    Moments t = new Moments(10, 17, 41, 24, 68, 51);
    assertThat(c.mean()).isCloseTo(0.42857142857142855, within(1e-12));
    assertThat(c.meanVariance()).isCloseTo(0.008741213794663747, within(1e-12));
    assertThat(t.meanVariance()).isCloseTo(0.005532514574759945, within(1e-12));
    assertThat(c.perUnit()).isFalse();
    assertThat(Statistics.deltaP(c, t)).isCloseTo(0.019199297557499873, within(1e-9));
    Statistics.Lift lift = Statistics.relativeLift(c, t);
    assertThat(lift.lift()).isCloseTo(0.6527777777777779, within(1e-12));
    assertThat(lift.low()).isCloseTo(-0.1315133350923694, within(1e-9));
    assertThat(lift.high()).isCloseTo(1.4370688906479252, within(1e-9));
    // a plain mean is the ratio with y = 1: the same variance as s²/n
    assertThat(CONTROL.perUnit()).isTrue();
    assertThat(CONTROL.meanVariance()).isCloseTo(CONTROL.variance() / 400, within(1e-15));
  }

  @Test
  void shouldKeepFivePercentFalseAlarmsOnCorrelatedExposuresWhereAPerExposureTestDoesNot() {
    // A/A: users see 1..8 images and like each with their own rate (Beta-like spread); a test
    // that treats exposures as independent is too sure, the delta method over users is not
    SplittableRandom rng = new SplittableRandom(21);
    int delta = 0;
    int perExposure = 0;
    int runs = 400;
    for (int run = 0; run < runs; run++) {
      Moments[] arm = new Moments[2];
      long[] likes = new long[2];
      long[] exposures = new long[2];
      for (int a = 0; a < 2; a++) {
        arm[a] = Moments.EMPTY;
        for (int u = 0; u < 300; u++) {
          int n = 1 + rng.nextInt(8);
          double p = rng.nextDouble() < 0.3 ? 0.8 : 0.1;
          int x = 0;
          for (int i = 0; i < n; i++) {
            x += rng.nextDouble() < p ? 1 : 0;
          }
          arm[a] = arm[a].add(x, n);
          likes[a] += x;
          exposures[a] += n;
        }
      }
      delta += Statistics.deltaP(arm[0], arm[1]) < 0.05 ? 1 : 0;
      perExposure +=
          Statistics.twoProportionP(likes[0], exposures[0], likes[1], exposures[1]) < 0.05 ? 1 : 0;
    }
    assertThat(delta / (double) runs).isLessThanOrEqualTo(0.075);
    assertThat(perExposure / (double) runs).isGreaterThan(0.1);
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
