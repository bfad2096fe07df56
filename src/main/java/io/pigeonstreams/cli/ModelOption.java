package io.pigeonstreams.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --model} option of every command that runs the committed Pigeon model. */
final class ModelOption {

  @Option(
      names = "--model",
      defaultValue = "models/pigeon",
      description = "Model folder (default: ${DEFAULT-VALUE}).")
  Path dir;
}
