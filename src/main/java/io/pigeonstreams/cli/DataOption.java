package io.pigeonstreams.cli;

import io.pigeonstreams.data.StickerDataset;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data} option of every command that reads the committed sticker dataset. */
final class DataOption {

  @Option(
      names = "--data",
      defaultValue = "data",
      description = "Dataset folder (default: ${DEFAULT-VALUE}).")
  Path data;

  StickerDataset load() throws IOException {
    return StickerDataset.load(data);
  }
}
