package io.pigeonstreams.generate;

/** Small vector helpers for the generators and scorers. */
public final class Vectors {

  private Vectors() {}

  public static double cosine(double[] a, double[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }

  /** Values (pixels, features) minus their mean, so that cosine compares structure, not level. */
  public static double[] centered(float[] image) {
    double mean = 0;
    for (float v : image) {
      mean += v;
    }
    mean /= image.length;
    double[] out = new double[image.length];
    for (int i = 0; i < image.length; i++) {
      out[i] = image[i] - mean;
    }
    return out;
  }

  public static double squaredDistance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }

  public static double dot(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d += a[i] * b[i];
    }
    return d;
  }
}
