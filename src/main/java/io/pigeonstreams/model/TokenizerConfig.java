package io.pigeonstreams.model;

/**
 * Sizes of the visual tokenizer (VQ autoencoder), one record with the defaults the committed
 * weights were trained with.
 *
 * @param codebookSize K, the visual vocabulary (the paper's tokenizer uses 8192; 32x32 emoji need
 *     far fewer)
 * @param codeDim D, width of a code vector
 * @param hidden channels of the encoder/decoder convolutions
 * @param commitment beta of the commitment loss (VQ-VAE's usual 0.25)
 */
public record TokenizerConfig(int codebookSize, int codeDim, int hidden, float commitment) {

  /** 32x32 image -> 4x4 grid of tokens: 16 tokens per image, as issue #4 asks. */
  public static final int GRID = 4;

  public static final int TOKENS = GRID * GRID;

  public static TokenizerConfig defaults() {
    return new TokenizerConfig(512, 32, 96, 0.25f);
  }
}
