package io.pigeonstreams.generate.pigeon;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.MaskedHistory;
import io.pigeonstreams.model.TokenizerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's Pigeon components on the committed stage-1 model (moved from DpoTrainerTest). */
class PigeonComponentsTest {

  private static final Path MODELS = Path.of("models", "pigeon");

  @Test
  void shouldMaskHistoryTokensAtTheRequestedRatioAndGenerateEveryCandidate() throws Exception {
    StickerDataset ds = TestData.dataset();
    try (PigeonComponents pigeon = PigeonComponents.load(MODELS, "pigeon-sft", 5)) {
      // Given a history of 5 images (320 tokens: 20 pooled cells of 16) and a reference
      List<HistoryEntry> history = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        float[] image = ds.image(i, 0);
        history.add(new HistoryEntry("item-" + i, image, pigeon.tokenizer().tokenize(image)));
      }
      float[] reference = ds.image(7, 2);

      assertThat(kept(pigeon.keep(history, 0.0, reference))).isEqualTo(320);
      // ceil(0.8 * 20) = 16 of the 20 cells stay: 256 of the 320 history tokens
      MaskedHistory masked = pigeon.keep(history, 0.2, reference);
      assertThat(kept(masked)).isEqualTo(256);
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
                assertThat(c.tokens()).hasSize(TokenizerConfig.v2().tokens());
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
