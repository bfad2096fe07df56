package io.pigeonstreams.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MsSsimTest {

  private static final int C = 3;
  private static final int H = 32;
  private static final int W = 32;

  @Test
  void shouldReturnOneForIdenticalRandomTextures() {
    // Given several random textures, smooth and white-noise
    for (long seed = 1; seed <= 5; seed++) {
      float[] smooth = periodicTexture(seed);
      float[] noise = uniformNoise(seed);

      // When comparing each image with an identical copy
      double smoothScore = MsSsim.compute(smooth, smooth.clone(), C, H, W);
      double noiseScore = MsSsim.compute(noise, noise.clone(), C, H, W);

      // Then the score is exactly one up to round-off
      assertThat(smoothScore).isCloseTo(1.0, within(1e-9));
      assertThat(noiseScore).isCloseTo(1.0, within(1e-9));
    }
  }

  @Test
  void shouldBeSymmetric() {
    // Given a texture and a noisy version of it
    float[] a = periodicTexture(7);
    float[] b = addNoise(a, 0.05, 8);

    // When computing the metric in both argument orders
    double ab = MsSsim.compute(a, b, C, H, W);
    double ba = MsSsim.compute(b, a, C, H, W);

    // Then both orders agree and the images are recognised as different
    assertThat(ab).isCloseTo(ba, within(1e-12));
    assertThat(ab).isLessThan(1.0);
  }

  @Test
  void shouldDecreaseStrictlyAsTextureIsShiftedFurther() {
    // Given a periodic texture and circularly shifted copies of it
    float[] original = periodicTexture(11);

    // When comparing the original with shifts of 1, 2 and 4 pixels
    double shift1 = MsSsim.compute(original, shift(original, 1), C, H, W);
    double shift2 = MsSsim.compute(original, shift(original, 2), C, H, W);
    double shift4 = MsSsim.compute(original, shift(original, 4), C, H, W);

    // Then similarity drops strictly with every larger shift, starting below one
    assertThat(shift1).isLessThan(1.0);
    assertThat(shift2).isLessThan(shift1);
    assertThat(shift4).isLessThan(shift2);
  }

  @Test
  void shouldPenaliseBrightnessOffsetFarLessThanNoise() {
    // Given a texture, a copy brightened by a constant and a copy with Gaussian noise
    float[] original = periodicTexture(13);
    float[] brighter = original.clone();
    for (int i = 0; i < brighter.length; i++) {
      brighter[i] += 0.1f;
    }
    float[] noisy = addNoise(original, 0.1, 14);

    // When comparing both copies with the original
    double brightScore = MsSsim.compute(original, brighter, C, H, W);
    double noiseScore = MsSsim.compute(original, noisy, C, H, W);

    // Then the offset lowers the score a little, noise much more
    assertThat(brightScore).isLessThan(1.0 - 1e-4);
    assertThat(1.0 - brightScore).isLessThan((1.0 - noiseScore) / 5);
  }

  @Test
  void shouldGiveLowValueForUncorrelatedRandomImages() {
    // Given two independent white-noise images
    float[] a = uniformNoise(21);
    float[] b = uniformNoise(22);

    // When comparing them
    double score = MsSsim.compute(a, b, C, H, W);

    // Then the similarity is low
    assertThat(score).isBetween(0.0, 0.3);
  }

  @Test
  void shouldRejectMismatchedOrTooSmallImages() {
    float[] image = uniformNoise(1);

    // Given/When/Then a length that does not match channels*height*width
    assertThatThrownBy(() -> MsSsim.compute(image, new float[C * H * W - 1], C, H, W))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3072");
    assertThatThrownBy(() -> MsSsim.compute(image, image, 1, H, W))
        .isInstanceOf(IllegalArgumentException.class);

    // Given/When/Then an image smaller than 8x8
    float[] tiny = new float[7 * 7];
    assertThatThrownBy(() -> MsSsim.compute(tiny, tiny, 1, 7, 7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 8x8");
  }

  /** Sum of random low-frequency sinusoids, periodic on the 32x32 grid, values in [0.2, 0.8]. */
  private static float[] periodicTexture(long seed) {
    Random rnd = new Random(seed);
    float[] img = new float[C * H * W];
    for (int c = 0; c < C; c++) {
      int terms = 6;
      int[] fy = new int[terms];
      int[] fx = new int[terms];
      double[] phase = new double[terms];
      for (int t = 0; t < terms; t++) {
        fy[t] = rnd.nextInt(5) - 2;
        fx[t] = 1 + rnd.nextInt(3);
        phase[t] = rnd.nextDouble() * 2 * Math.PI;
      }
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          double v = 0;
          for (int t = 0; t < terms; t++) {
            v += Math.cos(2 * Math.PI * (fy[t] * y + fx[t] * x) / W + phase[t]);
          }
          img[(c * H + y) * W + x] = (float) (0.5 + 0.3 * v / terms);
        }
      }
    }
    return img;
  }

  private static float[] uniformNoise(long seed) {
    Random rnd = new Random(seed);
    float[] img = new float[C * H * W];
    for (int i = 0; i < img.length; i++) {
      img[i] = rnd.nextFloat();
    }
    return img;
  }

  private static float[] addNoise(float[] src, double sigma, long seed) {
    Random rnd = new Random(seed);
    float[] out = new float[src.length];
    for (int i = 0; i < src.length; i++) {
      out[i] = (float) Math.min(1.0, Math.max(0.0, src[i] + sigma * rnd.nextGaussian()));
    }
    return out;
  }

  /** Circular shift along the width axis. */
  private static float[] shift(float[] src, int dx) {
    float[] out = new float[src.length];
    for (int c = 0; c < C; c++) {
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          out[(c * H + y) * W + (x + dx) % W] = src[(c * H + y) * W + x];
        }
      }
    }
    return out;
  }
}
