package io.pigeonstreams.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

class DatasetBuilderTest {

  @Test
  void shouldSlugCldrNamesTheWayFluentNamesItsFiles() {
    assertThat(DatasetBuilder.slug("1st place medal")).isEqualTo("1st-place-medal");
    assertThat(DatasetBuilder.slug("A button (blood type)")).isEqualTo("a-button-blood-type");
    assertThat(DatasetBuilder.slug("piñata")).isEqualTo("pinata");
    assertThat(DatasetBuilder.slug("woman’s hat")).isEqualTo("woman-s-hat");
  }

  @Test
  void shouldJoinCodePointsWithoutVariationSelectors() {
    assertThat(DatasetBuilder.joinKey("2764-fe0f")).isEqualTo(DatasetBuilder.joinKey("2764"));
    assertThat(DatasetBuilder.joinKey("1F600")).isEqualTo("1F600");
  }

  @Test
  void shouldReadOnlyWantedEntriesOfATarball(@TempDir Path dir) throws IOException {
    // Given a gzipped tarball with two files
    Path tgz = dir.resolve("p.tgz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tgz));
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      for (String name : new String[] {"package/a.txt", "package/b.txt"}) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
    }
    // When only one is wanted
    Map<String, byte[]> files = DatasetBuilder.readTar(tgz, p -> p.endsWith("b.txt"));

    // Then only that one is read, whole
    assertThat(files).containsOnlyKeys("package/b.txt");
    assertThat(new String(files.get("package/b.txt"), StandardCharsets.UTF_8))
        .isEqualTo("package/b.txt");
  }

  @Test
  void shouldChooseTheSameHeldOutPairsEveryTime() {
    var ids = java.util.List.of("1F600", "1F603", "1F604", "2764-FE0F");
    String first = HeldOutPairs.choose(ids, StickerDataset.STYLES).toTsv();
    String second = HeldOutPairs.choose(ids, StickerDataset.STYLES).toTsv();
    assertThat(first).isEqualTo(second);
  }

  /**
   * Rebuilds the dataset from the npm registry and compares it byte for byte with the committed
   * one. Needs npm and the registry; opt in with PIGEON_DATASET_REBUILD=1 (about 4 minutes).
   */
  @Test
  @Tag("npm")
  @EnabledIfEnvironmentVariable(named = "PIGEON_DATASET_REBUILD", matches = "1")
  void shouldReproduceTheCommittedDatasetFromTheTarballs(@TempDir Path out) throws Exception {
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "pigeon-streams", "npm");
    DatasetBuilder.Result result = new DatasetBuilder(cache, out, false).build();
    for (Map.Entry<String, String> e : result.sha256ByFile().entrySet()) {
      byte[] committed = Files.readAllBytes(Path.of("data").resolve(e.getKey()));
      assertThat(DatasetBuilder.sha256(committed)).as(e.getKey()).isEqualTo(e.getValue());
    }
  }
}
