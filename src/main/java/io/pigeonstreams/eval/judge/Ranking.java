package io.pigeonstreams.eval.judge;

/** Rank of a class among a judge's logits (0 = top-1). */
public final class Ranking {

  private Ranking() {}

  /** How many classes score strictly higher than {@code label}; ties favour the label. */
  public static int rankOf(float[] logits, int label) {
    float target = logits[label];
    int rank = 0;
    for (float v : logits) {
      if (v > target) {
        rank++;
      }
    }
    return rank;
  }

  public static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }
}
