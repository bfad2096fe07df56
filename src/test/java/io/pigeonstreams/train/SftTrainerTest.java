package io.pigeonstreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigeonstreams.TestData;
import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.data.simulation.SampleImages;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.model.PigeonNet;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.TokenizerConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage 1 at a tiny size: the loss falls, the saved model is the trained one, resume works. */
class SftTrainerTest {

  private static final TokenizerConfig TINY_TOKENIZER = TinyPigeon.TOKENIZER;
  private static final PigeonConfig TINY = TinyPigeon.NET;

  static StickerDataset ds;

  @BeforeAll
  static void load() {
    ds = TestData.dataset();
  }

  @Test
  void shouldLowerTheLossAndSaveTheTrainedModel(@TempDir Path dir) throws Exception {
    // Given a tiny tokenizer and taste encoder, and stage 1 trained for 1 step and for 40 steps
    // from the same seed
    TokenizerTrainer.train(
        ds, TINY_TOKENIZER, new TokenizerTrainer.Settings(1, 32, 5e-3f, 1L), dir, false, 2);
    ScorerTrainer.train(ds, new ScorerTrainer.Settings(2, 8, 1e-3f, 0.1f, 1L), dir, false);
    SftTrainer.Report report;
    try (PigeonTokenizer tokenizer = PigeonTokenizer.load(dir, TINY_TOKENIZER)) {
      SftTrainer.train(
          ds,
          tokenizer,
          TINY,
          new SftTrainer.Settings(1, 8, 3e-3f, 1L, 1L, 0.2, 1, 0.5),
          dir,
          "one-step",
          false);
      report =
          SftTrainer.train(
              ds,
              tokenizer,
              TINY,
              new SftTrainer.Settings(1, 8, 3e-3f, 1L, 1L, 0.2, 40, 0.5),
              dir,
              SftTrainer.NAME,
              false);
    }

    // Then the loss of the last 20 steps is below that of the first
    assertThat(report.steps()).isEqualTo(40);
    assertThat(report.samples()).isEqualTo(11_200);
    assertThat(report.lastLoss()).isLessThan(report.firstLoss());

    // and the saved model gives the training targets a higher likelihood than the model saved
    // after one step, and it reloads to identical outputs
    List<Sample> samples =
        new UserSimulator(ds).simulate(SimulationConfig.defaults(1L, 0.2)).samples(Split.TRAIN);
    SampleImages in = SampleImages.of(ds, samples.subList(0, 16));
    try (PigeonModel trained = PigeonModel.load(dir, SftTrainer.NAME, TINY, TINY_TOKENIZER, 5);
        PigeonModel again = PigeonModel.load(dir, SftTrainer.NAME, TINY, TINY_TOKENIZER, 5);
        PigeonModel oneStep = PigeonModel.load(dir, "one-step", TINY, TINY_TOKENIZER, 5)) {
      List<PigeonInputs.Prompt> prompts =
          trained.prompts(in.histories(), in.references(), in.captions());
      List<int[]> targets = trained.tokenizer().tokenize(in.references());
      double[] logp = trained.logLikelihood(prompts, targets, null, TINY.alphaH(), 0.5);
      double[] before = oneStep.logLikelihood(prompts, targets, null, TINY.alphaH(), 0.5);
      assertThat(Arrays.stream(logp).sum()).isGreaterThan(Arrays.stream(before).sum());

      assertThat(again.logLikelihood(prompts, targets, null, TINY.alphaH(), 0.5))
          .containsExactly(logp);
      assertThat(again.generateTokens(prompts, fill(16, TINY.alphaH()), fill(16, 0.5)))
          .containsExactlyElementsOf(
              trained.generateTokens(prompts, fill(16, TINY.alphaH()), fill(16, 0.5)));
    }
  }

  private static double[] fill(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  @Test
  void shouldResumeFromTheLastEpochCheckpointAndRemoveIt(@TempDir Path dir) throws Exception {
    TinyPigeon.stageOne(ds, dir, 2);
    try (PigeonTokenizer tokenizer = PigeonTokenizer.load(dir, TINY_TOKENIZER)) {
      SftTrainer.Settings resumeSettings =
          new SftTrainer.Settings(2, 8, 3e-3f, 1L, 1L, 0.2, 1402, 0.5);
      // Given a run killed after its first epoch (1,400 steps of 8 samples)
      Checkpoint checkpoint = new Checkpoint(dir, SftTrainer.NAME);
      try (ai.djl.Model m = ai.djl.Model.newInstance(SftTrainer.NAME)) {
        PigeonNet net = new PigeonNet(TINY, TokenizerConfig.GRID, 16);
        m.setBlock(net);
        PigeonModel.loadWeights(m, net, dir, SftTrainer.NAME, 5, TokenizerConfig.TOKENS);
        checkpoint.save(m, new Checkpoint.Progress(1, 1400, resumeSettings + " " + TINY));
      }

      // When it is resumed with other settings, then it is refused, naming both
      assertThatThrownBy(
              () ->
                  SftTrainer.train(
                      ds,
                      tokenizer,
                      TINY,
                      new SftTrainer.Settings(3, 8, 3e-3f, 1L, 1L, 0.2, 1402, 0.5),
                      dir,
                      SftTrainer.NAME,
                      true,
                      false))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot resume")
          .hasMessageContaining("epochs=3");

      // When it is resumed with its own settings
      SftTrainer.Report resumed =
          SftTrainer.train(ds, tokenizer, TINY, resumeSettings, dir, SftTrainer.NAME, true, false);

      // Then only epoch 2 runs: the step count goes on from 1,400 and stops at the cap
      assertThat(resumed.steps()).isEqualTo(1402);
      assertThat(resumed.firstLoss()).isFinite();
      assertThat(checkpoint.progress()).isEmpty();
      assertThat(dir.resolve(SftTrainer.NAME + ".resume")).doesNotExist();
    }
  }
}
