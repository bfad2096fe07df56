package io.pigeonstreams.eval.metrics;

/**
 * Multi-scale structural similarity (MS-SSIM, Wang, Simoncelli and Bovik 2003) for small images.
 *
 * <p>Images are CHW float arrays with values in [0, 1]. The classic formulation uses an 11x11
 * window and five scales, which does not fit 32x32 images, so this version uses a 7x7 Gaussian
 * window (sigma 1.5, shrunk to the image side if smaller), 'valid' convolution and as many scales
 * as keep the image side at least 8 after each 2x average-pool downsampling (at most 5; 32 -> 16 ->
 * 8 gives 3). The standard scale weights are truncated to that many scales and renormalized to sum
 * to 1. The contrast-structure term is used at every scale but the last, luminance times
 * contrast-structure at the last; the score is computed per channel and averaged over channels.
 */
public final class MsSsim {

  private static final double[] STANDARD_WEIGHTS = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};
  private static final int MAX_SCALES = STANDARD_WEIGHTS.length;
  private static final int MIN_SIDE = 8;
  private static final int WINDOW_SIZE = 7;
  private static final double SIGMA = 1.5;
  private static final double DYNAMIC_RANGE = 1.0;
  private static final double C1 = Math.pow(0.01 * DYNAMIC_RANGE, 2);
  private static final double C2 = Math.pow(0.03 * DYNAMIC_RANGE, 2);

  private MsSsim() {}

  /**
   * Computes MS-SSIM between two images of identical shape.
   *
   * @param a first image, CHW layout, values in [0, 1]
   * @param b second image, CHW layout, values in [0, 1]
   * @param channels number of channels (C)
   * @param height image height (H), at least 8
   * @param width image width (W), at least 8
   * @return MS-SSIM in [0, 1], 1 for identical images
   * @throws IllegalArgumentException if the arrays do not match the given shape or the image is
   *     smaller than 8x8
   */
  public static double compute(float[] a, float[] b, int channels, int height, int width) {
    validate(a, b, channels, height, width);
    int scales = scaleCount(height, width);
    double[] weights = weights(scales);
    int plane = height * width;
    double sum = 0;
    for (int c = 0; c < channels; c++) {
      double[] x = new double[plane];
      double[] y = new double[plane];
      for (int i = 0; i < plane; i++) {
        x[i] = a[c * plane + i];
        y[i] = b[c * plane + i];
      }
      sum += channelScore(x, y, height, width, weights);
    }
    return sum / channels;
  }

  private static double channelScore(double[] x, double[] y, int h, int w, double[] weights) {
    double score = 1.0;
    for (int s = 0; s < weights.length; s++) {
      boolean last = s == weights.length - 1;
      double term = ssimTerms(x, y, h, w, last);
      // Negative cs/ssim values (anti-correlated structure) would make the fractional power
      // undefined, so clamp them to 0 first, as torchmetrics' normalize="relu" does.
      score *= Math.pow(Math.max(term, 0.0), weights[s]);
      if (!last) {
        x = downsample(x, h, w);
        y = downsample(y, h, w);
        h /= 2;
        w /= 2;
      }
    }
    return score;
  }

  /**
   * Mean over the valid region of the contrast-structure map, or of the full SSIM map (luminance
   * times contrast-structure) when {@code withLuminance} is set.
   */
  private static double ssimTerms(double[] x, double[] y, int h, int w, boolean withLuminance) {
    int winH = Math.min(WINDOW_SIZE, h);
    int winW = Math.min(WINDOW_SIZE, w);
    double[] kh = gaussian(winH);
    double[] kw = gaussian(winW);
    int outH = h - winH + 1;
    int outW = w - winW + 1;
    double total = 0;
    for (int i = 0; i < outH; i++) {
      for (int j = 0; j < outW; j++) {
        double mx = 0;
        double my = 0;
        double mxx = 0;
        double myy = 0;
        double mxy = 0;
        for (int u = 0; u < winH; u++) {
          int row = (i + u) * w + j;
          for (int v = 0; v < winW; v++) {
            double k = kh[u] * kw[v];
            double px = x[row + v];
            double py = y[row + v];
            mx += k * px;
            my += k * py;
            mxx += k * px * px;
            myy += k * py * py;
            mxy += k * px * py;
          }
        }
        double varX = mxx - mx * mx;
        double varY = myy - my * my;
        double cov = mxy - mx * my;
        double cs = (2 * cov + C2) / (varX + varY + C2);
        if (withLuminance) {
          cs *= (2 * mx * my + C1) / (mx * mx + my * my + C1);
        }
        total += cs;
      }
    }
    return total / (outH * outW);
  }

  /** Normalized 1-D Gaussian kernel of the given size, centered, with {@link #SIGMA}. */
  private static double[] gaussian(int size) {
    double[] k = new double[size];
    double center = (size - 1) / 2.0;
    double sum = 0;
    for (int i = 0; i < size; i++) {
      double d = i - center;
      k[i] = Math.exp(-d * d / (2 * SIGMA * SIGMA));
      sum += k[i];
    }
    for (int i = 0; i < size; i++) {
      k[i] /= sum;
    }
    return k;
  }

  /** 2x2 average pooling with stride 2; a trailing odd row/column is dropped. */
  private static double[] downsample(double[] src, int h, int w) {
    int oh = h / 2;
    int ow = w / 2;
    double[] out = new double[oh * ow];
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        int r = 2 * i * w + 2 * j;
        out[i * ow + j] = 0.25 * (src[r] + src[r + 1] + src[r + w] + src[r + w + 1]);
      }
    }
    return out;
  }

  private static int scaleCount(int h, int w) {
    int scales = 1;
    int side = Math.min(h, w);
    while (scales < MAX_SCALES && side / 2 >= MIN_SIDE) {
      side /= 2;
      scales++;
    }
    return scales;
  }

  private static double[] weights(int scales) {
    double[] weights = new double[scales];
    double sum = 0;
    for (int i = 0; i < scales; i++) {
      sum += STANDARD_WEIGHTS[i];
    }
    for (int i = 0; i < scales; i++) {
      weights[i] = STANDARD_WEIGHTS[i] / sum;
    }
    return weights;
  }

  private static void validate(float[] a, float[] b, int channels, int height, int width) {
    if (a == null || b == null) {
      throw new IllegalArgumentException("images must not be null");
    }
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be >= 1, got " + channels);
    }
    if (height < MIN_SIDE || width < MIN_SIDE) {
      throw new IllegalArgumentException(
          "image must be at least " + MIN_SIDE + "x" + MIN_SIDE + ", got " + height + "x" + width);
    }
    long expected = (long) channels * height * width;
    if (a.length != expected || b.length != expected) {
      throw new IllegalArgumentException(
          "image lengths must equal channels*height*width = "
              + expected
              + " ("
              + channels
              + "x"
              + height
              + "x"
              + width
              + "), got "
              + a.length
              + " and "
              + b.length);
    }
  }
}
