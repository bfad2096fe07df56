package io.pigeonstreams.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.avro.PreferenceScores;
import io.pigeonstreams.avro.PreferenceSource;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.engine.ModelStore;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.TokenizerConfig;
import io.pigeonstreams.train.PreferenceTuning;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retraining from the stream's pairs (issue #12): DPO from the current version, then the VAL gate:
 * published to the store only when not worse than the current one beyond the tolerance.
 */
class RetrainingTest {

  private static final Path MODELS = Path.of("models", "pigeon");
  private static final Path JUDGES = Path.of("models", "judges");
  private static final List<PreferencePair> PAIRS = new ArrayList<>();
  private static final Map<String, CatalogEntry> CATALOG = new HashMap<>();

  /** A catalog of 12 emoji in google style and 8 pairs: chosen = the reference redrawn. */
  @BeforeAll
  static void pairs() throws Exception {
    StickerDataset ds = TestData.dataset();
    try (PigeonTokenizer tokenizer =
        PigeonTokenizer.load(MODELS, PigeonTokenizer.NAME_V2, TokenizerConfig.v2(), null)) {
      for (int e = 0; e < 12; e++) {
        float[] image = ds.image(e, 0);
        CATALOG.put(
            "google/" + e,
            CatalogEntry.newBuilder()
                .setItemId("google/" + e)
                .setCaption(ds.emoji().get(e).name())
                .setRaster(ByteBuffer.wrap(StickerImage.toRaw(image)))
                .setTokens(List.of())
                .setTokenizer("")
                .build());
      }
      for (int i = 0; i < 8; i++) {
        int[] chosen = tokenizer.tokenize(ds.image(5 + i % 4, 1));
        int[] rejected = tokenizer.tokenize(ds.image(11 - i % 4, 3));
        PAIRS.add(
            PreferencePair.newBuilder()
                .setPairId("p" + i)
                .setUserId("u" + i)
                .setRequestId("r" + i)
                .setHistoryItemIds(List.of("google/0", "google/1", "google/2", "google/3"))
                .setReferenceItemId("google/" + (5 + i % 4))
                .setChosenTokens(box(chosen))
                .setRejectedTokens(box(rejected))
                .setChosenScores(new PreferenceScores(0.6, 0.7))
                .setRejectedScores(new PreferenceScores(0.4, 0.3))
                .setSource(
                    i % 2 == 0 ? PreferenceSource.USER_FEEDBACK : PreferenceSource.MODEL_SCORE)
                .setModelVersion("pigeon-sft@x")
                .setTimestamp(Instant.ofEpochMilli(i))
                .build());
      }
      // and one the catalog cannot resolve, and one without tokens
      PAIRS.add(PreferencePair.newBuilder(PAIRS.get(0)).setReferenceItemId("gone").build());
      PAIRS.add(
          PreferencePair.newBuilder(PAIRS.get(1))
              .setChosenTokens(List.of())
              .setRejectedTokens(List.of())
              .build());
    }
  }

  private static List<Integer> box(int[] v) {
    List<Integer> out = new ArrayList<>();
    for (int x : v) {
      out.add(x);
    }
    return out;
  }

  private static Retraining.Outcome retrain(Path tmp, double tolerance) throws Exception {
    return Retraining.run(
        PAIRS,
        CATALOG,
        TestData.dataset(),
        JUDGES,
        MODELS,
        "pigeon-sft",
        "pigeon-sft@c0df8351a33e",
        new ModelStore(tmp.resolve("store")),
        tmp.resolve("work"),
        new Retraining.Settings(
            3, tolerance, 16, null, new PreferenceTuning.Settings(1, 8, 5e-5f, 0.1f, 5L)),
        false,
        null,
        Map.of());
  }

  @Test
  void shouldTrainOnTheUsablePairsAndPublishWhatPassesTheGate(@TempDir Path tmp) throws Exception {
    // When the gate lets anything through (tolerance 1)
    Retraining.Outcome out = retrain(tmp, 1.0);

    // Then 4 feedback pairs (x3) and 4 model pairs were trained on, 2 left out with a reason
    assertThat(out.feedbackPairs()).isEqualTo(4);
    assertThat(out.modelPairs()).isEqualTo(4);
    assertThat(out.skipped()).isEqualTo(2);
    assertThat(out.tuning().pairs()).isEqualTo(4 * 3 + 4);
    assertThat(out.published()).isTrue();
    // and the new version is in the store, with its parent and VAL metrics on its card
    assertThat(out.update().getVersion()).matches("pigeon@[0-9a-f]{12}");
    assertThat(out.update().getParent()).isEqualTo("pigeon-sft@c0df8351a33e");
    assertThat(out.update().getMetrics()).containsKeys("overall", "style_acc", "identity_top5");
    Path card = Path.of(out.update().getLocation()).resolve("card.md");
    assertThat(Files.readString(card)).contains("| parent | pigeon-sft@c0df8351a33e |");
    assertThat(out.current().samples()).isEqualTo(16);
  }

  @Test
  void shouldNotPublishAVersionWorseThanTheCurrentOne(@TempDir Path tmp) throws Exception {
    // When the gate demands more than any model can gain (tolerance -1: 1 point better overall)
    Retraining.Outcome out = retrain(tmp, -1.0);

    // Then nothing is published, and the reason says by how much it missed
    assertThat(out.published()).isFalse();
    assertThat(out.update()).isNull();
    assertThat(out.reason()).contains("is below the current").contains("not published");
    assertThat(tmp.resolve("store")).doesNotExist();
  }
}
