package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Builds PigeonNet's inputs for a batch: history tokens padded to N images (with a validity mask),
 * the reference's tokens and the caption's word ids, each array named as the network reads it.
 */
public final class PigeonInputs {

  /**
   * One prompt: up to N history images' tokens and style features (the taste encoder's embedding of
   * each image; null: zeros), the reference's tokens and style feature (null: zeros), its caption,
   * and which history tokens the mask generator already removed ({@code historyMask.get(n)[j]}
   * true: masked; null: none). The engine masks before it generates: the masked tokens keep their
   * ids, so the mask generator still reads them when scoring the reference, while the
   * personalization module sees them masked.
   */
  public record Prompt(
      List<int[]> history,
      List<float[]> historyStyle,
      int[] reference,
      float[] referenceStyle,
      String caption,
      List<boolean[]> historyMask) {

    /** A prompt with nothing masked yet. */
    public Prompt(
        List<int[]> history,
        List<float[]> historyStyle,
        int[] reference,
        float[] referenceStyle,
        String caption) {
      this(history, historyStyle, reference, referenceStyle, caption, null);
    }

    /** Whether token {@code j} of history image {@code n} is masked. */
    public boolean isMasked(int n, int j) {
      return historyMask != null && historyMask.get(n)[j];
    }
  }

  private PigeonInputs() {}

  /**
   * The named inputs of {@link PigeonNet} for a batch of prompts.
   *
   * @param tokens L, tokens per image
   */
  public static NDList build(
      NDManager m, List<Prompt> prompts, int historySize, int tokens, PigeonConfig config) {
    int b = prompts.size();
    int l = tokens;
    int th = historySize * l;
    int[] history = new int[b * th];
    float[] valid = new float[b * th];
    float[] keep = new float[b * th];
    boolean anyMasked = false;
    int[] reference = new int[b * l];
    int[] text = new int[b * config.maxTextTokens()];
    int sd = config.styleDim();
    float[] style = new float[b * historySize * sd];
    float[] referenceStyle = new float[b * sd];
    for (int i = 0; i < b; i++) {
      Prompt p = prompts.get(i);
      for (int n = 0; n < Math.min(historySize, p.history().size()); n++) {
        int[] t = p.history().get(n);
        for (int j = 0; j < l; j++) {
          int at = i * th + n * l + j;
          boolean masked = p.isMasked(n, j);
          history[at] = t[j];
          valid[at] = 1f;
          keep[at] = masked ? 0f : 1f;
          anyMasked |= masked;
        }
        if (p.historyStyle() != null) {
          System.arraycopy(p.historyStyle().get(n), 0, style, (i * historySize + n) * sd, sd);
        }
      }
      System.arraycopy(p.reference(), 0, reference, i * l, l);
      if (p.referenceStyle() != null) {
        System.arraycopy(p.referenceStyle(), 0, referenceStyle, i * sd, sd);
      }
      int[] words =
          CaptionTokenizer.tokenize(p.caption(), config.textVocabulary(), config.maxTextTokens());
      System.arraycopy(words, 0, text, i * config.maxTextTokens(), words.length);
    }
    NDList inputs =
        new NDList(
            named(m.create(history, new Shape(b, th)), PigeonNet.HISTORY),
            named(m.create(valid, new Shape(b, th)), PigeonNet.HISTORY_VALID),
            named(m.create(style, new Shape(b, historySize, sd)), PigeonNet.HISTORY_STYLE),
            named(m.create(reference, new Shape(b, l)), PigeonNet.REFERENCE),
            named(m.create(referenceStyle, new Shape(b, sd)), PigeonNet.REFERENCE_STYLE),
            named(m.create(text, new Shape(b, config.maxTextTokens())), PigeonNet.TEXT));
    if (anyMasked) {
      inputs.add(named(m.create(keep, new Shape(b, th)), PigeonNet.HISTORY_KEEP));
    }
    return inputs;
  }

  /**
   * The random numbers of a sampled decoding (B, S, L, 2), each row from its own seed: the same
   * seed gives the same candidate.
   */
  public static NDArray uniforms(NDManager m, long[] seeds, int steps, int tokens) {
    float[] u = new float[seeds.length * steps * tokens * 2];
    int at = 0;
    for (long seed : seeds) {
      java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
      for (int i = 0; i < steps * tokens * 2; i++) {
        u[at++] = (float) (1e-6 + rng.nextDouble() * (1 - 2e-6));
      }
    }
    return named(m.create(u, new Shape(seeds.length, steps, tokens, 2)), PigeonNet.UNIFORM);
  }

  /** Gives {@code a} the name the network reads it by. */
  public static NDArray named(NDArray a, String name) {
    a.setName(name);
    return a;
  }

  /** The shapes PigeonNet is initialized with. */
  public static Shape[] shapes(int historySize, int tokens, PigeonConfig config) {
    return new Shape[] {
      new Shape(1, historySize * tokens),
      new Shape(1, historySize * tokens),
      new Shape(1, historySize, config.styleDim()),
      new Shape(1, tokens),
      new Shape(1, config.styleDim()),
      new Shape(1, config.maxTextTokens())
    };
  }
}
