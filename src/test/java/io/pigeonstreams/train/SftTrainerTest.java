package io.pigeonstreams.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.TokenizerConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage 1 end to end at a tiny size: tokenizer, a few SFT steps, reload, generate. */
class SftTrainerTest {

  private static final TokenizerConfig TINY_TOKENIZER = TinyPigeon.TOKENIZER;
  private static final PigeonConfig TINY = TinyPigeon.NET;

  @Test
  void shouldTrainSaveReloadAndGenerateImages(@TempDir Path dir) throws Exception {
    StickerDataset ds = TestData.dataset();
    TokenizerTrainer.train(
        ds, TINY_TOKENIZER, new TokenizerTrainer.Settings(1, 32, 5e-3f, 1L), dir, false, 2);
    SftTrainer.Report report;
    try (PigeonTokenizer tokenizer = PigeonTokenizer.load(dir, TINY_TOKENIZER)) {
      report =
          SftTrainer.train(
              ds,
              tokenizer,
              TINY,
              new SftTrainer.Settings(1, 8, 3e-3f, 1L, 1L, 0.2, 4),
              dir,
              SftTrainer.NAME,
              false);
    }
    assertThat(report.steps()).isEqualTo(4);
    assertThat(report.samples()).isEqualTo(11_200);
    assertThat(report.firstLoss()).isFinite().isPositive();
    try (PigeonModel model = PigeonModel.load(dir, SftTrainer.NAME, TINY, TINY_TOKENIZER, 5)) {
      List<float[]> images =
          model.generate(
              List.of(List.of(ds.image(0, 0), ds.image(1, 0)), List.of()),
              List.of(ds.image(2, 1), ds.image(3, 2)),
              List.of("grinning face", "smiling face"),
              0.2,
              0.5);
      assertThat(images).hasSize(2);
      assertThat(images.get(0)).hasSize(StickerDataset.PIXELS);
    }
  }

  @Test
  void shouldResumeFromTheLastEpochCheckpointAndRemoveIt(@TempDir Path dir) throws Exception {
    StickerDataset ds = TestData.dataset();
    TinyPigeon.stageOne(ds, dir, 2);
    try (PigeonTokenizer tokenizer = PigeonTokenizer.load(dir, TINY_TOKENIZER)) {
      SftTrainer.Settings resumeSettings = new SftTrainer.Settings(2, 8, 3e-3f, 1L, 1L, 0.2, 1402);
      // pretend the run was killed after its first epoch (1,400 steps of 8 samples)
      Checkpoint checkpoint = new Checkpoint(dir, SftTrainer.NAME);
      try (ai.djl.Model m = ai.djl.Model.newInstance(SftTrainer.NAME)) {
        io.pigeonstreams.model.PigeonNet net =
            new io.pigeonstreams.model.PigeonNet(TINY, TokenizerConfig.TOKENS, 16);
        m.setBlock(net);
        PigeonModel.loadWeights(m, net, dir, SftTrainer.NAME, 5, 8);
        checkpoint.save(m, new Checkpoint.Progress(1, 1400, resumeSettings + " " + TINY));
      }
      assertThat(checkpoint.progress())
          .contains(new Checkpoint.Progress(1, 1400, resumeSettings + " " + TINY));

      // a resume with other settings would not continue the same run: refused, with both
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  SftTrainer.train(
                      ds,
                      tokenizer,
                      TINY,
                      new SftTrainer.Settings(3, 8, 3e-3f, 1L, 1L, 0.2, 1402),
                      dir,
                      SftTrainer.NAME,
                      true,
                      false))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot resume")
          .hasMessageContaining("epochs=3");

      SftTrainer.Report resumed =
          SftTrainer.train(ds, tokenizer, TINY, resumeSettings, dir, SftTrainer.NAME, true, false);
      // epoch 2 only: the step count goes on from 1,400 and stops at the cap
      assertThat(resumed.steps()).isEqualTo(1402);
      assertThat(resumed.firstLoss()).isFinite();
      assertThat(checkpoint.progress()).isEmpty();
      assertThat(dir.resolve(SftTrainer.NAME + ".resume")).doesNotExist();
    }
  }
}
