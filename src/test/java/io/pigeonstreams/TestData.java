package io.pigeonstreams;

import io.pigeonstreams.data.StickerDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The committed dataset and judges, loaded once per test JVM. */
public final class TestData {

  public static final Path DATA = Path.of("data");
  public static final Path JUDGES = Path.of("models", "judges");

  private static StickerDataset dataset;

  private TestData() {}

  public static synchronized StickerDataset dataset() {
    if (dataset == null) {
      try {
        dataset = StickerDataset.load(DATA);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dataset;
  }
}
