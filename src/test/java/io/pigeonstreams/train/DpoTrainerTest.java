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
import io.pigeonstreams.generate.pigeon.EncoderScorer;
import io.pigeonstreams.model.HalfWeights;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.model.StyleEncoder;
import io.pigeonstreams.model.TokenizerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
    samples =
        new UserSimulator(ds)
            .simulate(SimulationConfig.defaults(1L, 0.2))
            .samples(Split.TRAIN)
            .subList(0, 12);
  }

  @Test
  void shouldChooseTheBestAndRejectTheWorstSampledCandidateByTheScorer() throws Exception {
    DpoTrainer.Settings s = settings(Integer.MAX_VALUE);
    PigeonConfig sampling = TINY.withDecoding(TINY.decodeSteps(), s.temperature());
    try (PigeonModel reference =
            PigeonModel.load(dir, SftTrainer.NAME, sampling, TINY_TOKENIZER, 5);
        StyleEncoder taste = StyleEncoder.load(dir)) {
      EncoderScorer scorer = new EncoderScorer(reference.tokenizer(), taste);

      // When the pairs are built twice from the same prompts
      List<DpoTrainer.Pair> pairs =
          DpoTrainer.pairs(ds, reference, scorer, samples, TINY.alphaH(), s, false);
      List<DpoTrainer.Pair> again =
          DpoTrainer.pairs(ds, reference, scorer, samples, TINY.alphaH(), s, false);

      // Then sampled candidates differ, so there are pairs, and the seeds make them repeatable
      assertThat(pairs).isNotEmpty().hasSameSizeAs(again);
      SampleImages in = SampleImages.of(ds, samples);
      for (int p = 0; p < pairs.size(); p++) {
        DpoTrainer.Pair pair = pairs.get(p);
        assertThat(again.get(p).chosen()).containsExactly(pair.chosen());
        assertThat(again.get(p).rejected()).containsExactly(pair.rejected());
        assertThat(pair.chosen()).isNotEqualTo(pair.rejected());
        assertThat(DpoTrainer.GRID).contains(pair.chosenAlphaR(), pair.rejectedAlphaR());
        // and the chosen one scores above the rejected one by the recorded gap, under the
        // engine's combined score
        int i = indexOf(reference, in, pair);
        List<float[]> images =
            reference.tokenizer().decode(List.of(pair.chosen(), pair.rejected()));
        double[] r =
            io.pigeonstreams.generate.Candidates.combined(
                scorer.score(
                    images,
                    List.of(in.histories().get(i), in.histories().get(i)),
                    List.of(in.references().get(i), in.references().get(i))));
        assertThat(pair.rewardGap()).isPositive().isCloseTo(r[0] - r[1], within(1e-4));
      }
    }
  }

  private static DpoTrainer.Settings settings(int maxSteps) {
    return new DpoTrainer.Settings(
        8,
        32,
        1e-3f,
        0.1f,
        0.5,
        3L,
        1L,
        0.2,
        12,
        maxSteps,
        2,
        1f,
        DpoTrainer.GRID,
        io.pigeonstreams.generate.Candidates.Selection.SUM);
  }

  /** The sample a pair's prompt came from: the same reference, caption and history tokens. */
  private static int indexOf(PigeonModel model, SampleImages in, DpoTrainer.Pair pair) {
    List<PigeonInputs.Prompt> prompts =
        model.prompts(in.histories(), in.references(), in.captions());
    for (int i = 0; i < samples.size(); i++) {
      PigeonInputs.Prompt p = prompts.get(i);
      if (Arrays.equals(p.reference(), pair.prompt().reference())
          && p.caption().equals(pair.prompt().caption())
          && Arrays.deepEquals(p.history().toArray(), pair.prompt().history().toArray())) {
        return i;
      }
    }
    throw new AssertionError("no sample for " + pair.prompt().caption());
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
    DpoTrainer.Settings s = settings(Integer.MAX_VALUE);
    List<DpoTrainer.Pair> pairs;
    TrainingLoop.Result r;
    PigeonConfig sampling = TINY.withDecoding(TINY.decodeSteps(), s.temperature());
    try (PigeonModel reference =
            PigeonModel.load(dir, SftTrainer.NAME, sampling, TINY_TOKENIZER, 5);
        StyleEncoder taste = StyleEncoder.load(dir)) {
      pairs =
          DpoTrainer.pairs(
              ds,
              reference,
              new EncoderScorer(reference.tokenizer(), taste),
              samples,
              TINY.alphaH(),
              s,
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
    double[] logp = model.logLikelihood(prompts, targets, null, TINY.alphaH(), s.promptAlphaR());
    double sum = 0;
    for (int i = 0; i < logp.length; i += 2) {
      sum += logp[i] - logp[i + 1];
    }
    return sum / pairs.size();
  }

  @Test
  void shouldRunTwoStepsFromLogTwoAndCacheThePairs() throws Exception {
    // 16 prompts, batch 32: both steps see the same pairs
    DpoTrainer.Settings s =
        new DpoTrainer.Settings(
            2,
            32,
            1e-3f,
            0.1f,
            0.5,
            3L,
            1L,
            0.2,
            16,
            2,
            2,
            1f,
            DpoTrainer.GRID,
            io.pigeonstreams.generate.Candidates.Selection.SUM);
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
                List.of(new int[16], filled(3)),
                List.of(new float[] {0.5f, -1f}, new float[] {2f, 0.25f}),
                filled(511),
                new float[] {1f, 0f},
                "smiling face with halo"),
            filled(7),
            filled(9),
            0.8,
            0.1,
            0.25);
    PairCache.write(cache, "key-a", List.of(pair));

    List<DpoTrainer.Pair> back = PairCache.read(cache, "key-a");
    assertThat(back).hasSize(1);
    assertThat(back.get(0).prompt().history().get(1)).containsExactly(filled(3));
    assertThat(back.get(0).prompt().historyStyle().get(1)).containsExactly(2f, 0.25f);
    assertThat(back.get(0).prompt().reference()).containsExactly(filled(511));
    assertThat(back.get(0).prompt().referenceStyle()).containsExactly(1f, 0f);
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
