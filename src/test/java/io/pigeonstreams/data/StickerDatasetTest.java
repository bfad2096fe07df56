package io.pigeonstreams.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigeonstreams.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed dataset, as tests and the product read it. */
class StickerDatasetTest {

  static StickerDataset ds;

  @BeforeAll
  static void load() {
    ds = TestData.dataset();
  }

  @Test
  void shouldHoldAboutFifteenHundredEmojiInFiveStyles() {
    assertThat(ds.emojiCount()).isBetween(1400, 1700);
    assertThat(ds.styleCount()).isEqualTo(5);
    assertThat(ds.emoji().get(0).name()).isEqualTo("grinning face");
  }

  @Test
  void shouldDropFlagsKeycapsAndComponents() {
    assertThat(ds.emoji())
        .noneMatch(e -> e.category().equals("Flags") || e.category().equals("Component"))
        .noneMatch(e -> e.id().contains("20E3"))
        // skin-tone modifiers U+1F3FB..U+1F3FF never appear in an id
        .noneMatch(e -> e.id().matches(".*1F3F[B-F].*"));
  }

  @Test
  void shouldServeImagesInUnitRangeThatDifferAcrossStyles() {
    float[] google = ds.image(0, 0);
    float[] openmoji = ds.image(0, 2);
    assertThat(google).hasSize(3 * 32 * 32);
    for (float v : google) {
      assertThat(v).isBetween(0f, 1f);
    }
    assertThat(google).isNotEqualTo(openmoji);
    // plain white background in the corner, content in the centre
    assertThat(google[0]).isEqualTo(1f);
    assertThat(google[16 * 32 + 16]).isLessThan(1f);
  }

  @Test
  void shouldHoldOutAtMostOneStylePerEmojiForBothValAndTest() {
    Map<Split, Integer> counts = new HashMap<>();
    for (int e = 0; e < ds.emojiCount(); e++) {
      int heldOut = 0;
      for (int s = 0; s < ds.styleCount(); s++) {
        Split split = ds.splitOf(e, s);
        counts.merge(split, 1, Integer::sum);
        heldOut += split == Split.TRAIN ? 0 : 1;
      }
      assertThat(heldOut).isLessThanOrEqualTo(1);
    }
    assertThat(counts.get(Split.TEST)).isGreaterThan(300);
    assertThat(counts.get(Split.VAL)).isGreaterThan(300);
  }

  @Test
  void shouldShipEachSourcesLicenseAndTheSourceList() {
    for (EmojiSource source : EmojiSource.all()) {
      Path dir = Path.of("data", "licenses", source.packageName());
      assertThat(dir.resolve("ATTRIBUTION.txt")).isRegularFile();
      for (String file : source.licenseFiles()) {
        assertThat(dir.resolve(Path.of(file).getFileName().toString())).isRegularFile();
      }
    }
    assertThat(Path.of("data", "stickers", "SOURCES.md")).isRegularFile();
  }

  @Test
  void shouldKeepTheCommittedDatasetCompact() throws IOException {
    long bytes;
    try (var files = Files.walk(Path.of("data"))) {
      bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    assertThat(bytes).isLessThanOrEqualTo(20L * 1024 * 1024);
  }

  @Test
  void shouldNameTheMissingFileAndTheRemedy(@TempDir Path empty) {
    assertThatThrownBy(() -> StickerDataset.load(empty))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("emoji.tsv")
        .hasMessageContaining("dataset build");
  }
}
