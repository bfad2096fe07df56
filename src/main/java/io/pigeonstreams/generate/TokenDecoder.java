package io.pigeonstreams.generate;

/** Visual tokens back to an image (Pigeon's decoder): the inverse of a {@link VisualTokenizer}. */
public interface TokenDecoder {

  /** A 3x32x32 CHW image in [0, 1]. */
  float[] decode(int[] tokens);
}
