package io.pigeonstreams.train;

import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Interaction;
import io.pigeonstreams.model.PigeonTokenizer;
import java.util.ArrayList;
import java.util.List;

/** Every catalog image's visual tokens, computed once with the frozen tokenizer. */
final class TokenTable {

  private final int styles;
  private final int[][] tokens; // [emoji * styles + style] -> its L tokens

  private TokenTable(int styles, int[][] tokens) {
    this.styles = styles;
    this.tokens = tokens;
  }

  static TokenTable of(StickerDataset ds, PigeonTokenizer tokenizer) {
    int n = ds.emojiCount() * ds.styleCount();
    int[][] tokens = new int[n][];
    for (int from = 0; from < n; from += 256) {
      List<float[]> images = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 256); i++) {
        images.add(ds.image(i / ds.styleCount(), i % ds.styleCount()));
      }
      List<int[]> batch = tokenizer.tokenize(images);
      for (int i = 0; i < batch.size(); i++) {
        tokens[from + i] = batch.get(i);
      }
    }
    return new TokenTable(ds.styleCount(), tokens);
  }

  int[] of(Interaction i) {
    return tokens[i.emoji() * styles + i.style()];
  }
}
