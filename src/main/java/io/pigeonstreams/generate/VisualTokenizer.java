package io.pigeonstreams.generate;

/**
 * Image to discrete visual tokens (Pigeon's tokenizer). The engine calls it once per catalog item,
 * when the item arrives, and keeps the tokens with the item.
 */
public interface VisualTokenizer {

  /** Identifies the tokenizer and its version; tokens from different tokenizers don't mix. */
  String name();

  int[] tokenize(float[] image);
}
