package io.pigeonstreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pigeonstreams.TestData;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.MaskedHistory;
import io.pigeonstreams.generate.pigeon.PigeonCandidates;
import io.pigeonstreams.generate.pigeon.PigeonComponents;
import io.pigeonstreams.model.HalfWeights;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.StyleEncoder;
import io.pigeonstreams.model.TokenizerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage 2 and the engine's Pigeon components at a tiny size, on a stage-1 model trained for a few
 * steps.
 */
class DpoTrainerTest {

  private static final TokenizerConfig TINY_TOKENIZER = TinyPigeon.TOKENIZER;
  private static final PigeonConfig TINY = TinyPigeon.NET;

  @TempDir static Path dir;
  static StickerDataset ds;

  @BeforeAll
  static void stageOne() throws Exception {
    ds = TestData.dataset();
    TinyPigeon.stageOne(ds, dir, 4);
    scorer = ScorerTrainer.train(ds, new ScorerTrainer.Settings(2, 8, 1e-3f, 0.1f, 1L), dir, false);
  }

  static ScorerTrainer.Report scorer;

  @Test
  void shouldTrainTheTasteEncoderWithoutLabelsAndCheckItOnValWindows() {
    assertThat(scorer.steps()).isEqualTo(2);
    assertThat(scorer.windows()).isEqualTo(11_200);
    // symmetric InfoNCE over 8 pairs starts near log 8
    assertThat(scorer.firstLoss()).isCloseTo(Math.log(8), within(0.5));
    assertThat(scorer.valPreference()).isBetween(0.0, 1.0);
    assertThat(dir.resolve(StyleEncoder.NAME + "-0000.params")).isRegularFile();
  }

  @Test
  void shouldStartAtLogTwoAndLowerTheLossOnTheSamePairs() throws Exception {
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
    assertThat(r.meanRewardGap()).isPositive();
    assertThat(HalfWeights.file(dir, DpoTrainer.NAME)).isRegularFile();

    assertThat(cache).isRegularFile();
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

  @Test
  void shouldMaskHistoryTokensAtTheRequestedRatioAndGenerateEveryCandidate() throws Exception {
    try (PigeonComponents pigeon =
        PigeonComponents.load(dir, SftTrainer.NAME, TINY, TINY_TOKENIZER, 5)) {
      List<HistoryEntry> history = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        float[] image = ds.image(i, 0);
        history.add(new HistoryEntry("item-" + i, image, pigeon.tokenizer().tokenize(image)));
      }
      float[] reference = ds.image(7, 2);

      assertThat(kept(pigeon.keep(history, 0.0, reference))).isEqualTo(80);
      // ceil(0.8 * 80) = 64 of the 80 history tokens stay
      MaskedHistory masked = pigeon.keep(history, 0.2, reference);
      assertThat(kept(masked)).isEqualTo(64);
      assertThat(pigeon.keep(List.of(), 0.2, reference).entries()).isEmpty();

      List<Candidate> candidates =
          pigeon.generate(
              new GenerationContext(
                  "r1",
                  masked,
                  reference,
                  pigeon.tokenizer().tokenize(reference),
                  "smiling face",
                  List.of(0.0, 0.5, 1.0)));
      assertThat(candidates).extracting(Candidate::alphaR).containsExactly(0.0, 0.5, 1.0);
      assertThat(candidates)
          .allSatisfy(
              c -> {
                assertThat(c.image()).hasSize(StickerDataset.PIXELS);
                assertThat(c.tokens()).hasSize(TokenizerConfig.TOKENS);
              });
      // the engine's two steps (mask, then generate) give what the one-pass model gives
      List<Candidate> onePass =
          PigeonCandidates.of(
                  pigeon.model(),
                  List.of(history.stream().map(HistoryEntry::image).toList()),
                  List.of(reference),
                  List.of("smiling face"),
                  0.2,
                  List.of(0.0, 0.5, 1.0))
              .get(0);
      for (int i = 0; i < 3; i++) {
        assertThat(candidates.get(i).tokens()).containsExactly(onePass.get(i).tokens());
      }
      assertThat(pigeon.modelVersion()).matches("pigeon-sft@[0-9a-f]{12}");
      assertThat(Files.exists(dir.resolve("tokenizer-0000.params"))).isTrue();
    }
  }

  private static long kept(MaskedHistory history) {
    long n = 0;
    for (boolean[] mask : history.tokenMasks()) {
      for (boolean masked : mask) {
        n += masked ? 0 : 1;
      }
    }
    return n;
  }
}
