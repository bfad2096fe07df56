package io.pigeonstreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pigeonstreams.TestData;
import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.data.simulation.SampleImages;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.pigeon.EncoderScorer;
import io.pigeonstreams.generate.pigeon.PigeonCandidates;
import io.pigeonstreams.model.HalfWeights;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.model.StyleEncoder;
import io.pigeonstreams.model.TokenizerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage 2 at a tiny size, on a stage-1 model trained for a few steps and a tiny scorer. */
class DpoTrainerTest {

  private static final TokenizerConfig TINY_TOKENIZER = TinyPigeon.TOKENIZER;
  private static final PigeonConfig TINY = TinyPigeon.NET;

  @TempDir static Path dir;
  static StickerDataset ds;
  static List<Sample> samples;

  @BeforeAll
  static void stageOne() throws Exception {
    ds = TestData.dataset();
    TinyPigeon.stageOne(ds, dir, 4);
    ScorerTrainer.train(ds, new ScorerTrainer.Settings(2, 8, 1e-3f, 0.1f, 1L), dir, false);
    samples =
        new UserSimulator(ds)
            .simulate(SimulationConfig.defaults(1L, 0.2))
            .samples(Split.TRAIN)
            .subList(0, 12);
  }

  @Test
  void shouldChooseTheBestAndRejectTheWorstCandidateByTheScorer() throws Exception {
    try (PigeonModel reference = PigeonModel.load(dir, SftTrainer.NAME, TINY, TINY_TOKENIZER, 5);
        StyleEncoder taste = StyleEncoder.load(dir)) {
      EncoderScorer scorer = new EncoderScorer(reference.tokenizer(), taste);
      // Given the candidates of each prompt over the grid, and their rewards
      SampleImages in = SampleImages.of(ds, samples);
      List<List<Candidate>> candidates =
          PigeonCandidates.of(
              reference,
              in.histories(),
              in.references(),
              in.captions(),
              TINY.alphaH(),
              DpoTrainer.GRID);

      // When the pairs are built
      List<DpoTrainer.Pair> pairs =
          DpoTrainer.pairs(ds, reference, scorer, samples, TINY.alphaH(), false);

      // Then each pair holds the candidate of the highest reward and the one of the lowest
      int p = 0;
      for (int i = 0; i < samples.size(); i++) {
        List<float[]> images = candidates.get(i).stream().map(Candidate::image).toList();
        List<List<float[]>> histories = new ArrayList<>();
        images.forEach(x -> histories.add(null));
        Collections.fill(histories, in.histories().get(i));
        double[] reward = scorer.personalization(images, histories);
        int best = argmax(reward, 1);
        int worst = argmax(reward, -1);
        int[] chosen = candidates.get(i).get(best).tokens();
        int[] rejected = candidates.get(i).get(worst).tokens();
        if (Arrays.equals(chosen, rejected)) {
          continue; // no preference: skipped
        }
        DpoTrainer.Pair pair = pairs.get(p++);
        assertThat(pair.chosen()).containsExactly(chosen);
        assertThat(pair.rejected()).containsExactly(rejected);
        assertThat(pair.chosenAlphaR()).isEqualTo(DpoTrainer.GRID.get(best));
        assertThat(pair.rejectedAlphaR()).isEqualTo(DpoTrainer.GRID.get(worst));
        assertThat(pair.rewardGap()).isCloseTo(reward[best] - reward[worst], within(1e-9));
      }
      assertThat(pairs).hasSize(p).isNotEmpty();
    }
  }

  private static int argmax(double[] values, int sign) {
    int best = 0;
    for (int a = 1; a < values.length; a++) {
      if (sign * values[a] > sign * values[best]) {
        best = a;
      }
    }
    return best;
  }

  @Test
  void shouldRaiseTheLikelihoodMarginOfChosenOverRejectedOnTheTrainingPairs() throws Exception {
    DpoTrainer.Settings s =
        new DpoTrainer.Settings(8, 32, 1e-3f, 0.1f, 0.5, 3L, 1L, 0.2, 12, Integer.MAX_VALUE);
    List<DpoTrainer.Pair> pairs;
    TrainingLoop.Result r;
    try (PigeonModel reference = PigeonModel.load(dir, SftTrainer.NAME, TINY, TINY_TOKENIZER, 5);
        StyleEncoder taste = StyleEncoder.load(dir)) {
      pairs =
          DpoTrainer.pairs(
              ds,
              reference,
              new EncoderScorer(reference.tokenizer(), taste),
              samples,
              TINY.alphaH(),
              false);
      // Given the policy = the stage-1 model, trained with DPO for 8 steps on the pairs
      r =
          TrainingLoop.train(
              new DpoStage(reference, dir, SftTrainer.NAME, pairs, s),
              TrainingLoop.Schedule.epochs(8, pairs.size(), 32, Integer.MAX_VALUE, 1e-3f, 10f),
              TrainingLoop.Run.of(DpoTrainer.NAME, dir, "test", false));
    }
    // Then the loss starts at log 2 (policy = reference) and falls
    assertThat(r.firstLoss()).isCloseTo(Math.log(2), within(1e-4));
    assertThat(r.lastLoss()).isLessThan(r.firstLoss());

    // and the policy's log-likelihood margin of chosen over rejected exceeds the reference's
    try (PigeonModel reference = PigeonModel.load(dir, SftTrainer.NAME, TINY, TINY_TOKENIZER, 5);
        PigeonModel policy = PigeonModel.load(dir, DpoTrainer.NAME, TINY, TINY_TOKENIZER, 5)) {
      assertThat(margin(policy, pairs, s)).isGreaterThan(margin(reference, pairs, s));
    }
  }

  /** Mean of log p(chosen) - log p(rejected) over the pairs, under the training prompt. */
  private static double margin(
      PigeonModel model, List<DpoTrainer.Pair> pairs, DpoTrainer.Settings s) {
    List<PigeonInputs.Prompt> prompts = new ArrayList<>();
    List<int[]> targets = new ArrayList<>();
    for (DpoTrainer.Pair p : pairs) {
      prompts.add(p.prompt());
      targets.add(p.chosen());
      prompts.add(p.prompt());
      targets.add(p.rejected());
    }
    double[] logp = model.logLikelihood(prompts, targets, TINY.alphaH(), s.promptAlphaR());
    double sum = 0;
    for (int i = 0; i < logp.length; i += 2) {
      sum += logp[i] - logp[i + 1];
    }
    return sum / pairs.size();
  }

  @Test
  void shouldRunTwoStepsFromLogTwoAndCacheThePairs() throws Exception {
    // 16 prompts, batch 32: both steps see the same pairs
    DpoTrainer.Settings s = new DpoTrainer.Settings(2, 32, 1e-3f, 0.1f, 0.5, 3L, 1L, 0.2, 16, 2);
    Path cache = dir.resolve("pairs.bin");
    DpoTrainer.Report r =
        DpoTrainer.train(ds, dir, SftTrainer.NAME, TINY, TINY_TOKENIZER, s, dir, cache, false);

    assertThat(r.prompts()).isEqualTo(16);
    assertThat(r.pairs()).isPositive().isLessThanOrEqualTo(16);
    assertThat(r.steps()).isEqualTo(2);
    // policy = reference at the first step: margin 0, loss log 2
    assertThat(r.firstLoss()).isCloseTo(Math.log(2), within(1e-4));
    // the last-20 mean is the mean of both steps: below the first only if the second is
    assertThat(r.lastLoss()).isLessThan(r.firstLoss());
    assertThat(HalfWeights.file(dir, DpoTrainer.NAME)).isRegularFile();
    assertThat(cache).isRegularFile();

    // a rerun reads the pairs back instead of building them
    DpoTrainer.Report again =
        DpoTrainer.train(ds, dir, SftTrainer.NAME, TINY, TINY_TOKENIZER, s, dir, cache, false);
    assertThat(again.pairs()).isEqualTo(r.pairs());
    assertThat(again.meanRewardGap()).isEqualTo(r.meanRewardGap());
    assertThat(again.firstLoss()).isEqualTo(r.firstLoss());
  }

  @Test
  void shouldReadBackCachedPairsOnlyForTheSameKey() throws Exception {
    Path cache = dir.resolve("roundtrip.bin");
    DpoTrainer.Pair pair =
        new DpoTrainer.Pair(
            new PigeonInputs.Prompt(
                List.of(new int[16], filled(3)), filled(511), "smiling face with halo"),
            filled(7),
            filled(9),
            0.8,
            0.1,
            0.25);
    PairCache.write(cache, "key-a", List.of(pair));

    List<DpoTrainer.Pair> back = PairCache.read(cache, "key-a");
    assertThat(back).hasSize(1);
    assertThat(back.get(0).prompt().history().get(1)).containsExactly(filled(3));
    assertThat(back.get(0).prompt().reference()).containsExactly(filled(511));
    assertThat(back.get(0).prompt().caption()).isEqualTo("smiling face with halo");
    assertThat(back.get(0).chosen()).containsExactly(filled(7));
    assertThat(back.get(0).rejected()).containsExactly(filled(9));
    assertThat(back.get(0).chosenAlphaR()).isEqualTo(0.8);
    assertThat(back.get(0).rewardGap()).isEqualTo(0.25);
    assertThat(PairCache.read(cache, "key-b")).isNull();
    assertThat(PairCache.read(dir.resolve("missing.bin"), "key-a")).isNull();
  }

  private static int[] filled(int v) {
    int[] t = new int[TokenizerConfig.TOKENS];
    Arrays.fill(t, v);
    return t;
  }
}
