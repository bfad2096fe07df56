package io.pigeonstreams.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Builds PigeonNet's inputs for a batch: history tokens padded to N images (with a validity mask),
 * reference tokens and their code vectors, and the caption's word ids.
 */
public final class PigeonInputs {

  /**
   * One prompt: up to N history images' tokens, the reference, its caption, and which history
   * tokens the mask generator already removed ({@code historyMask.get(n)[j]} true: masked; null:
   * none). The engine masks before it generates: the masked tokens keep their ids, so the mask
   * generator still reads them when scoring the reference, while the personalization module sees
   * them masked.
   */
  public record Prompt(
      List<int[]> history, int[] reference, String caption, List<boolean[]> historyMask) {

    /** A prompt with nothing masked yet. */
    public Prompt(List<int[]> history, int[] reference, String caption) {
      this(history, reference, caption, null);
    }

    /** Whether token {@code j} of history image {@code n} is masked. */
    public boolean isMasked(int n, int j) {
      return historyMask != null && historyMask.get(n)[j];
    }
  }

  private PigeonInputs() {}

  public static NDList build(
      NDManager m,
      List<Prompt> prompts,
      int historySize,
      float[] codebook,
      int codeDim,
      PigeonConfig config) {
    int b = prompts.size();
    int l = TokenizerConfig.TOKENS;
    int th = historySize * l;
    int[] history = new int[b * th];
    float[] valid = new float[b * th];
    float[] keep = new float[b * th];
    boolean anyMasked = false;
    int[] reference = new int[b * l];
    float[] codes = new float[b * l * codeDim];
    int[] text = new int[b * config.maxTextTokens()];
    for (int i = 0; i < b; i++) {
      Prompt p = prompts.get(i);
      for (int n = 0; n < Math.min(historySize, p.history().size()); n++) {
        int[] tokens = p.history().get(n);
        for (int j = 0; j < l; j++) {
          int at = i * th + n * l + j;
          boolean masked = p.isMasked(n, j);
          history[at] = tokens[j];
          valid[at] = 1f;
          keep[at] = masked ? 0f : 1f;
          anyMasked |= masked;
        }
      }
      System.arraycopy(p.reference(), 0, reference, i * l, l);
      for (int j = 0; j < l; j++) {
        System.arraycopy(
            codebook, p.reference()[j] * codeDim, codes, (i * l + j) * codeDim, codeDim);
      }
      int[] words =
          CaptionTokenizer.tokenize(p.caption(), config.textVocabulary(), config.maxTextTokens());
      System.arraycopy(words, 0, text, i * config.maxTextTokens(), words.length);
    }
    NDList inputs =
        new NDList(
            m.create(history, new Shape(b, th)), // (B, N*L)
            m.create(valid, new Shape(b, th)), // (B, N*L)
            m.create(reference, new Shape(b, l)), // (B, L)
            m.create(codes, new Shape(b, l, codeDim)), // (B, L, D)
            m.create(text, new Shape(b, config.maxTextTokens()))); // (B, T)
    if (anyMasked) {
      inputs.add(m.create(keep, new Shape(b, th))); // (B, N*L): the history mask, given
    }
    return inputs;
  }

  /** The shapes PigeonNet is initialized with. */
  public static Shape[] shapes(int historySize, int codeDim, PigeonConfig config) {
    int l = TokenizerConfig.TOKENS;
    return new Shape[] {
      new Shape(1, historySize * l),
      new Shape(1, historySize * l),
      new Shape(1, l),
      new Shape(1, l, codeDim),
      new Shape(1, config.maxTextTokens())
    };
  }
}
