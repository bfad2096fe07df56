package io.pigeonstreams.model;

import java.util.Locale;

/**
 * The caption's words as ids by hashing into a fixed number of buckets (0 is padding): the text
 * part of the hybrid prompt, with no vocabulary file to ship. Emoji names are short; collisions
 * among ~2,000 distinct words in 2,048 buckets are rare and harmless.
 */
public final class CaptionTokenizer {

  private CaptionTokenizer() {}

  public static int[] tokenize(String caption, int buckets, int maxTokens) {
    int[] ids = new int[maxTokens];
    int n = 0;
    for (String word : caption.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (!word.isEmpty() && n < maxTokens) {
        ids[n++] = 1 + Math.floorMod(word.hashCode(), buckets - 1);
      }
    }
    return ids;
  }
}
