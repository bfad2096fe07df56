package io.pigeonstreams.eval.metrics;

import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.EigenDecompositionSymmetric;
import org.hipparchus.linear.RealMatrix;

/**
 * Frechet distance between Gaussians fitted to two sets of feature vectors (the FID formula).
 *
 * <p>Computes {@code ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^{1/2})} with unbiased (n-1)
 * sample covariances. {@code S_a S_b} is not symmetric, so instead of a general matrix square root
 * the trace term uses the similar symmetric matrix {@code M = S_a^{1/2} S_b S_a^{1/2}}: both square
 * roots come from symmetric eigendecompositions with tiny negative (round-off) eigenvalues clamped
 * to 0, which stays stable for rank-deficient covariances.
 */
public final class FrechetDistance {

  private FrechetDistance() {}

  /**
   * Computes the Frechet distance between two sample sets.
   *
   * @param a first set, rows are samples, columns are feature dimensions; at least 2 rows
   * @param b second set, same number of columns as {@code a}; at least 2 rows
   * @return the distance, clamped to be non-negative
   * @throws IllegalArgumentException if a set is null, has fewer than 2 rows, has ragged or empty
   *     rows, or the two sets differ in dimension
   */
  public static double compute(double[][] a, double[][] b) {
    int dims = validate(a, "a");
    int dimsB = validate(b, "b");
    if (dims != dimsB) {
      throw new IllegalArgumentException(
          "feature dimensions differ: a has " + dims + ", b has " + dimsB);
    }
    double[] muA = mean(a, dims);
    double[] muB = mean(b, dims);
    RealMatrix covA = covariance(a, muA);
    RealMatrix covB = covariance(b, muB);

    double meanTerm = 0;
    for (int j = 0; j < dims; j++) {
      double d = muA[j] - muB[j];
      meanTerm += d * d;
    }

    RealMatrix sqrtA = sqrtPsd(covA);
    RealMatrix m = symmetrize(sqrtA.multiply(covB).multiply(sqrtA));
    double traceSqrtM = 0;
    for (double lambda : new EigenDecompositionSymmetric(m).getEigenvalues()) {
      traceSqrtM += Math.sqrt(Math.max(lambda, 0.0));
    }

    double distance = meanTerm + covA.getTrace() + covB.getTrace() - 2 * traceSqrtM;
    return Math.max(distance, 0.0);
  }

  /** Square root of a symmetric positive semi-definite matrix, clamping negative eigenvalues. */
  private static RealMatrix sqrtPsd(RealMatrix s) {
    EigenDecompositionSymmetric eig = new EigenDecompositionSymmetric(s);
    double[] lambdas = eig.getEigenvalues();
    RealMatrix v = eig.getV();
    int n = lambdas.length;
    RealMatrix scaled = v.copy();
    for (int k = 0; k < n; k++) {
      double root = Math.sqrt(Math.max(lambdas[k], 0.0));
      for (int i = 0; i < n; i++) {
        scaled.setEntry(i, k, v.getEntry(i, k) * root);
      }
    }
    return symmetrize(scaled.multiplyTransposed(v));
  }

  private static RealMatrix symmetrize(RealMatrix m) {
    return m.add(m.transpose()).scalarMultiply(0.5);
  }

  private static double[] mean(double[][] x, int dims) {
    double[] mu = new double[dims];
    for (double[] row : x) {
      for (int j = 0; j < dims; j++) {
        mu[j] += row[j];
      }
    }
    for (int j = 0; j < dims; j++) {
      mu[j] /= x.length;
    }
    return mu;
  }

  private static RealMatrix covariance(double[][] x, double[] mu) {
    int dims = mu.length;
    double[][] cov = new double[dims][dims];
    double[] centered = new double[dims];
    for (double[] row : x) {
      for (int j = 0; j < dims; j++) {
        centered[j] = row[j] - mu[j];
      }
      for (int i = 0; i < dims; i++) {
        for (int j = i; j < dims; j++) {
          cov[i][j] += centered[i] * centered[j];
        }
      }
    }
    double denom = x.length - 1;
    for (int i = 0; i < dims; i++) {
      for (int j = i; j < dims; j++) {
        cov[i][j] /= denom;
        cov[j][i] = cov[i][j];
      }
    }
    return new Array2DRowRealMatrix(cov, false);
  }

  /** Checks shape and returns the number of feature dimensions. */
  private static int validate(double[][] x, String name) {
    if (x == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    if (x.length < 2) {
      throw new IllegalArgumentException(
          name + " needs at least 2 samples (rows) for a covariance, got " + x.length);
    }
    if (x[0] == null || x[0].length == 0) {
      throw new IllegalArgumentException(name + " must have at least 1 feature dimension");
    }
    int dims = x[0].length;
    for (int i = 1; i < x.length; i++) {
      if (x[i] == null || x[i].length != dims) {
        throw new IllegalArgumentException(
            name
                + " has ragged rows: row 0 has "
                + dims
                + " columns, row "
                + i
                + " has "
                + (x[i] == null ? "null" : Integer.toString(x[i].length)));
      }
    }
    return dims;
  }
}
