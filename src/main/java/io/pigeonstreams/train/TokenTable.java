package io.pigeonstreams.train;

import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Interaction;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.StyleEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Every catalog image's visual tokens and style feature, computed once with the frozen tokenizer
 * and taste encoder.
 */
final class TokenTable {

  private final int styles;
  private final int[][] tokens; // [emoji * styles + style] -> its L tokens
  private final float[][] style; // [emoji * styles + style] -> its taste-encoder embedding

  private TokenTable(int styles, int[][] tokens, float[][] style) {
    this.styles = styles;
    this.tokens = tokens;
    this.style = style;
  }

  static TokenTable of(StickerDataset ds, PigeonTokenizer tokenizer, StyleEncoder taste) {
    int n = ds.emojiCount() * ds.styleCount();
    int[][] tokens = new int[n][];
    float[][] style = new float[n][];
    for (int from = 0; from < n; from += 256) {
      List<float[]> images = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 256); i++) {
        images.add(ds.image(i / ds.styleCount(), i % ds.styleCount()));
      }
      List<int[]> batch = tokenizer.tokenize(images);
      List<float[]> embedded = taste.embed(images);
      for (int i = 0; i < batch.size(); i++) {
        tokens[from + i] = batch.get(i);
        style[from + i] = embedded.get(i);
      }
    }
    return new TokenTable(ds.styleCount(), tokens, style);
  }

  int[] of(Interaction i) {
    return tokens[i.emoji() * styles + i.style()];
  }

  float[] styleOf(Interaction i) {
    return style[i.emoji() * styles + i.style()];
  }
}
