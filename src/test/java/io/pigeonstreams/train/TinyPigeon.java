package io.pigeonstreams.train;

import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.StyleEncoder;
import io.pigeonstreams.model.TokenizerConfig;
import java.io.IOException;
import java.nio.file.Path;

/** A Pigeon small enough for unit tests: tokenizer and stage 1 trained for a few steps. */
final class TinyPigeon {

  static final TokenizerConfig TOKENIZER = new TokenizerConfig(16, 8, 8, 0.25f);
  static final PigeonConfig NET =
      new PigeonConfig(32, 2, 1, 1, 64, 4, 0.2, 0.5f, 2, 3, 0f, StyleEncoder.DIM);

  private TinyPigeon() {}

  /**
   * Writes a tokenizer (2 steps), a taste encoder (a few steps) and a stage-1 model ({@code
   * sftSteps} steps) into {@code dir}.
   */
  static void stageOne(StickerDataset ds, Path dir, int sftSteps) throws IOException {
    TokenizerTrainer.train(
        ds, TOKENIZER, new TokenizerTrainer.Settings(1, 32, 5e-3f, 1L), dir, false, 2);
    ScorerTrainer.train(ds, new ScorerTrainer.Settings(2, 8, 1e-3f, 0.1f, 1L), dir, false);
    try (PigeonTokenizer tokenizer = PigeonTokenizer.load(dir, TOKENIZER)) {
      SftTrainer.train(
          ds,
          tokenizer,
          NET,
          new SftTrainer.Settings(1, 8, 3e-3f, 1L, 1L, 0.2, sftSteps, 0.5),
          dir,
          SftTrainer.NAME,
          false);
    }
  }
}
