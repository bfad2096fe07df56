package io.pigeonstreams.generate.retrieval;

import io.pigeonstreams.generate.VisualTokenizer;
import io.pigeonstreams.image.StickerImage;

/**
 * A fixed, training-free visual tokenizer: the 32x32 image as an 8x8 grid of 4x4 patches, each
 * patch's mean colour quantized to a 4x4x4 palette, so 64 tokens from a vocabulary of 64. Serves
 * until the learned VQ tokenizer of the Pigeon model replaces it.
 */
public final class PaletteTokenizer implements VisualTokenizer {

  public static final int GRID = 8;
  public static final int LEVELS = 4;
  public static final int VOCABULARY = LEVELS * LEVELS * LEVELS;

  @Override
  public String name() {
    return "palette-8x8x64-v1";
  }

  @Override
  public int[] tokenize(float[] image) {
    int size = StickerImage.SIZE;
    int patch = size / GRID;
    int plane = size * size;
    int[] tokens = new int[GRID * GRID];
    for (int gy = 0; gy < GRID; gy++) {
      for (int gx = 0; gx < GRID; gx++) {
        int token = 0;
        for (int c = 0; c < 3; c++) {
          float sum = 0;
          for (int y = gy * patch; y < (gy + 1) * patch; y++) {
            for (int x = gx * patch; x < (gx + 1) * patch; x++) {
              sum += image[c * plane + y * size + x];
            }
          }
          int level = Math.min(LEVELS - 1, (int) (sum / (patch * patch) * LEVELS));
          token = token * LEVELS + level;
        }
        tokens[gy * GRID + gx] = token;
      }
    }
    return tokens;
  }

  /** Normalized histogram of tokens: a colour-palette signature, which differs between styles. */
  public static double[] histogram(int[] tokens) {
    double[] h = new double[VOCABULARY];
    for (int t : tokens) {
      h[t] += 1.0 / tokens.length;
    }
    return h;
  }
}
