package io.pigeonstreams.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

  @Test
  void shouldBeZeroForIdenticalSets() {
    // Given a correlated random sample set
    double[][] a = correlatedGaussian(300, 8, 1);

    // When comparing it with a copy of itself
    double distance = FrechetDistance.compute(a, copy(a));

    // Then the distance vanishes
    assertThat(distance).isCloseTo(0.0, within(1e-6));
  }

  @Test
  void shouldEqualSquaredShiftWhenSetIsTranslated() {
    // Given a sample set and the same set shifted by a constant vector d
    double[][] a = correlatedGaussian(200, 6, 2);
    double[] d = {0.5, -1.0, 2.0, 0.0, 0.25, -0.75};
    double[][] b = copy(a);
    for (double[] row : b) {
      for (int j = 0; j < d.length; j++) {
        row[j] += d[j];
      }
    }

    // When computing the distance
    double distance = FrechetDistance.compute(a, b);

    // Then only the mean term remains: ||d||^2
    double expected = 0;
    for (double v : d) {
      expected += v * v;
    }
    assertThat(distance).isCloseTo(expected, within(1e-6));
  }

  @Test
  void shouldMatchClosedFormForOneDimensionalGaussians() {
    // Given two 1-D Gaussian samples with different means and spreads
    Random rnd = new Random(3);
    double[][] a = new double[500][1];
    double[][] b = new double[400][1];
    for (double[] row : a) {
      row[0] = 1.0 + 2.0 * rnd.nextGaussian();
    }
    for (double[] row : b) {
      row[0] = -0.5 + 0.7 * rnd.nextGaussian();
    }

    // When computing the distance
    double distance = FrechetDistance.compute(a, b);

    // Then it equals (mu1 - mu2)^2 + (s1 - s2)^2 from the sample statistics
    double mu1 = mean(a);
    double mu2 = mean(b);
    double s1 = Math.sqrt(sampleVariance(a, mu1));
    double s2 = Math.sqrt(sampleVariance(b, mu2));
    double expected = (mu1 - mu2) * (mu1 - mu2) + (s1 - s2) * (s1 - s2);
    assertThat(distance).isCloseTo(expected, within(1e-9));
    // and close to the population value (1.5)^2 + (1.3)^2 = 3.94
    assertThat(distance).isCloseTo(3.94, within(0.6));
  }

  @Test
  void shouldMatchClosedFormWhenSetIsScaled() {
    // Given an isotropic zero-mean sample and the same sample scaled by k
    double[][] a = isotropicGaussian(400, 5, 4);
    double k = 2.5;
    double[][] b = copy(a);
    for (double[] row : b) {
      for (int j = 0; j < row.length; j++) {
        row[j] *= k;
      }
    }

    // When computing the distance
    double distance = FrechetDistance.compute(a, b);

    // Then mu_b = k mu_a and S_b = k^2 S_a, so the distance is (1-k)^2 (||mu_a||^2 + Tr S_a)
    double meanSq = 0;
    double trace = 0;
    for (int j = 0; j < 5; j++) {
      double[][] column = column(a, j);
      double mu = mean(column);
      meanSq += mu * mu;
      trace += sampleVariance(column, mu);
    }
    double expected = (1 - k) * (1 - k) * (meanSq + trace);
    assertThat(distance).isCloseTo(expected, within(1e-6));
    // and, for a standard normal sample, close to the population value d (1-k)^2 = 11.25
    assertThat(distance).isCloseTo(5 * (1 - k) * (1 - k), within(1.5));
  }

  @Test
  void shouldMatchTwoByTwoClosedFormForNonCommutingCovariances() {
    // Given 2-D sets whose covariances are not simultaneously diagonalisable
    double[][] a = linearMix(600, new double[][] {{2.0, 0.0}, {0.8, 0.5}}, 5);
    double[][] b = linearMix(500, new double[][] {{0.6, -0.9}, {0.0, 1.3}}, 6);

    // When computing the distance
    double distance = FrechetDistance.compute(a, b);

    // Then it matches the 2x2 identity Tr sqrt(P) = sqrt(Tr P + 2 sqrt(det P)) for P = S_a S_b
    double[] muA = {mean(column(a, 0)), mean(column(a, 1))};
    double[] muB = {mean(column(b, 0)), mean(column(b, 1))};
    double[][] sa = covariance2(a, muA);
    double[][] sb = covariance2(b, muB);
    double[][] p = {
      {sa[0][0] * sb[0][0] + sa[0][1] * sb[1][0], sa[0][0] * sb[0][1] + sa[0][1] * sb[1][1]},
      {sa[1][0] * sb[0][0] + sa[1][1] * sb[1][0], sa[1][0] * sb[0][1] + sa[1][1] * sb[1][1]}
    };
    double detP = p[0][0] * p[1][1] - p[0][1] * p[1][0];
    double traceSqrtP = Math.sqrt(p[0][0] + p[1][1] + 2 * Math.sqrt(detP));
    double meanTerm = (muA[0] - muB[0]) * (muA[0] - muB[0]) + (muA[1] - muB[1]) * (muA[1] - muB[1]);
    double expected = meanTerm + sa[0][0] + sa[1][1] + sb[0][0] + sb[1][1] - 2 * traceSqrtP;
    assertThat(distance).isCloseTo(expected, within(1e-9));
  }

  @Test
  void shouldStayNonNegativeForRankDeficientCovariances() {
    // Given fewer samples than dimensions, so both covariances are singular
    double[][] a = isotropicGaussian(4, 10, 7);

    // When comparing the set with itself
    double distance = FrechetDistance.compute(a, copy(a));

    // Then round-off does not push the result below zero and it stays near zero
    assertThat(distance).isGreaterThanOrEqualTo(0.0).isCloseTo(0.0, within(1e-6));
  }

  @Test
  void shouldRejectInvalidShapes() {
    double[][] threeDims = isotropicGaussian(10, 3, 8);
    double[][] fourDims = isotropicGaussian(10, 4, 9);

    // Given/When/Then mismatched feature dimensions
    assertThatThrownBy(() -> FrechetDistance.compute(threeDims, fourDims))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimensions differ");

    // Given/When/Then a single sample, for which no covariance exists
    assertThatThrownBy(() -> FrechetDistance.compute(new double[][] {{1, 2, 3}}, threeDims))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2 samples");

    // Given/When/Then ragged rows
    assertThatThrownBy(() -> FrechetDistance.compute(new double[][] {{1, 2, 3}, {1, 2}}, threeDims))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ragged");
  }

  private static double[][] isotropicGaussian(int n, int dims, long seed) {
    Random rnd = new Random(seed);
    double[][] x = new double[n][dims];
    for (double[] row : x) {
      for (int j = 0; j < dims; j++) {
        row[j] = rnd.nextGaussian();
      }
    }
    return x;
  }

  /** Samples z ~ N(0, I) mapped through a fixed random matrix plus a random offset. */
  private static double[][] correlatedGaussian(int n, int dims, long seed) {
    Random rnd = new Random(seed);
    double[][] mix = new double[dims][dims];
    for (double[] row : mix) {
      for (int j = 0; j < dims; j++) {
        row[j] = rnd.nextGaussian();
      }
    }
    double[][] x = linearMix(n, mix, seed + 100);
    for (int j = 0; j < dims; j++) {
      double offset = 3 * rnd.nextGaussian();
      for (double[] row : x) {
        row[j] += offset;
      }
    }
    return x;
  }

  /** Rows x = mix * z for z ~ N(0, I). */
  private static double[][] linearMix(int n, double[][] mix, long seed) {
    Random rnd = new Random(seed);
    int dims = mix.length;
    double[][] x = new double[n][dims];
    double[] z = new double[dims];
    for (double[] row : x) {
      for (int j = 0; j < dims; j++) {
        z[j] = rnd.nextGaussian();
      }
      for (int i = 0; i < dims; i++) {
        for (int j = 0; j < dims; j++) {
          row[i] += mix[i][j] * z[j];
        }
      }
    }
    return x;
  }

  private static double[][] copy(double[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i].clone();
    }
    return out;
  }

  private static double[][] column(double[][] x, int j) {
    double[][] out = new double[x.length][1];
    for (int i = 0; i < x.length; i++) {
      out[i][0] = x[i][j];
    }
    return out;
  }

  private static double mean(double[][] column) {
    double sum = 0;
    for (double[] row : column) {
      sum += row[0];
    }
    return sum / column.length;
  }

  private static double sampleVariance(double[][] column, double mu) {
    double sum = 0;
    for (double[] row : column) {
      sum += (row[0] - mu) * (row[0] - mu);
    }
    return sum / (column.length - 1);
  }

  private static double[][] covariance2(double[][] x, double[] mu) {
    double[][] s = new double[2][2];
    for (double[] row : x) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          s[i][j] += (row[i] - mu[i]) * (row[j] - mu[j]);
        }
      }
    }
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        s[i][j] /= x.length - 1;
      }
    }
    return s;
  }
}
