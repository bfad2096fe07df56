package io.pigeonstreams.model;

import java.util.List;

/**
 * Sizes of the visual tokenizer, one record for both kinds: the first tokenizer (VQ, a 4x4 grid of
 * codes from a learned codebook) and tokenizer v2 (FSQ, finite scalar quantization: an 8x8 grid,
 * each token a tuple of per-channel levels, no codebook to collapse).
 *
 * @param codebookSize K, the visual vocabulary (FSQ: the product of the levels)
 * @param codeDim D, width of a code vector (FSQ: one channel per level)
 * @param hidden channels of the encoder/decoder convolutions at the token grid
 * @param commitment beta of the VQ commitment loss (VQ-VAE's usual 0.25; unused by FSQ)
 * @param grid tokens per side: 32x32 image -> grid x grid tokens
 * @param levels FSQ levels per channel (empty: VQ)
 */
public record TokenizerConfig(
    int codebookSize, int codeDim, int hidden, float commitment, int grid, List<Integer> levels) {

  /** The first tokenizer's grid: 32x32 image -> 4x4 grid of tokens, 16 per image (issue #4). */
  public static final int GRID = 4;

  public static final int TOKENS = GRID * GRID;

  public TokenizerConfig {
    levels = List.copyOf(levels);
    if (grid != 4 && grid != 8) {
      throw new IllegalArgumentException("grid must be 4 or 8, got " + grid);
    }
    if (!levels.isEmpty()
        && (codeDim != levels.size()
            || codebookSize != levels.stream().reduce(1, (a, b) -> a * b))) {
      throw new IllegalArgumentException(
          "FSQ levels " + levels + " need codeDim " + levels.size() + " and their product as K");
    }
  }

  /** A VQ tokenizer on the 4x4 grid. */
  public TokenizerConfig(int codebookSize, int codeDim, int hidden, float commitment) {
    this(codebookSize, codeDim, hidden, commitment, GRID, List.of());
  }

  /** The committed (first) tokenizer: VQ, 512 codes of width 32, 16 tokens. */
  public static TokenizerConfig v1() {
    return new TokenizerConfig(512, 32, 96, 0.25f);
  }

  /**
   * Tokenizer v2: FSQ with levels [8, 5, 5, 5] (1,000 codes, Mentzer et al. 2023's recommendation
   * for a vocabulary of about 2^10) on an 8x8 grid: 64 tokens of 4x4 pixels each.
   */
  public static TokenizerConfig v2() {
    return fsq(List.of(8, 5, 5, 5), 8, 128);
  }

  public static TokenizerConfig fsq(List<Integer> levels, int grid, int hidden) {
    return new TokenizerConfig(
        levels.stream().reduce(1, (a, b) -> a * b), levels.size(), hidden, 0f, grid, levels);
  }

  /** Tokens per image. */
  public int tokens() {
    return grid * grid;
  }

  public boolean isFsq() {
    return !levels.isEmpty();
  }
}
