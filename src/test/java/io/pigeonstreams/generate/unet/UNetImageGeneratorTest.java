package io.pigeonstreams.generate.unet;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.MaskedHistory;
import io.pigeonstreams.model.TokenizerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The committed U-Net as the engine's generator ({@code pigeon.generator=unet}). */
class UNetImageGeneratorTest {

  @Test
  void shouldRedrawFromTheKeptHistoryOnlyAndAnswerEveryAlphaR() throws Exception {
    StickerDataset ds = TestData.dataset();
    EngineComponents engine =
        EngineComponents.of(EngineConfig.of(Map.of("pigeon.generator", "unet")));
    try (var generator = engine.generator()) { // closes the U-Net and the Pigeon parts
      assertThat(engine.generator().modelVersion()).matches("unet@[0-9a-f]{12}");

      // Given a history of two images, the second masked whole, and the same history without it
      HistoryEntry first = entry(engine, "a", ds.image(0, 1));
      HistoryEntry second = entry(engine, "b", ds.image(3, 4));
      List<boolean[]> masks = new ArrayList<>();
      masks.add(new boolean[first.tokens().length]);
      boolean[] all = new boolean[second.tokens().length];
      java.util.Arrays.fill(all, true);
      masks.add(all);
      MaskedHistory secondMasked = new MaskedHistory(List.of(first, second), masks);
      MaskedHistory firstOnly = MaskedHistory.unmasked(List.of(first));
      MaskedHistory both = MaskedHistory.unmasked(List.of(first, second));
      float[] reference = ds.image(7, 2);

      // When the three requests are generated in one micro-batch
      List<List<Candidate>> out =
          engine
              .generator()
              .generateAll(
                  List.of(
                      context(engine, "r1", secondMasked, reference, List.of(0.0, 0.5, 1.0)),
                      context(engine, "r2", firstOnly, reference, List.of(0.5)),
                      context(engine, "r3", both, reference, List.of(0.5))));

      // Then each alpha_r gets a candidate, all the same redrawing with v2 tokens
      assertThat(out.get(0)).extracting(Candidate::alphaR).containsExactly(0.0, 0.5, 1.0);
      for (Candidate candidate : out.get(0)) {
        assertThat(candidate.image()).hasSize(StickerDataset.PIXELS);
        assertThat(candidate.tokens()).hasSize(TokenizerConfig.v2().tokens());
        assertThat(candidate.image()).containsExactly(out.get(0).get(0).image());
      }
      // and the image masked whole does not count in the style: as if it were not there
      float[] masked = out.get(0).get(0).image();
      assertThat(maxDifference(masked, out.get(1).get(0).image())).isLessThan(1e-4);
      assertThat(maxDifference(masked, out.get(2).get(0).image())).isGreaterThan(1e-3);
      assertThat(engine.generator().warmUp(4)).isPositive();
    }
  }

  private static HistoryEntry entry(EngineComponents engine, String id, float[] image) {
    return new HistoryEntry(id, image, engine.tokenizer().tokenize(image));
  }

  private static GenerationContext context(
      EngineComponents engine,
      String id,
      MaskedHistory history,
      float[] reference,
      List<Double> alphaR) {
    return new GenerationContext(
        id, history, reference, engine.tokenizer().tokenize(reference), "a face", alphaR);
  }

  private static double maxDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
