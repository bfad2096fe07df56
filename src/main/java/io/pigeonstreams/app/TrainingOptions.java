package io.pigeonstreams.app;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the Pigeon training stages ({@code train tokenizer}, {@code train sft}). */
final class TrainingOptions {

  @Option(
      names = "--out",
      defaultValue = "models/pigeon",
      description =
          "Model folder; later stages read the tokenizer from it (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--epochs", description = "Epochs (default: what the committed model used).")
  Integer epochs;

  @Option(names = "--max-steps", description = "Stop after this many steps (for a quick check).")
  Integer maxSteps;

  int epochs(int fallback) {
    return positive("--epochs", epochs, fallback);
  }

  int maxSteps() {
    return positive("--max-steps", maxSteps, Integer.MAX_VALUE);
  }

  private static int positive(String option, Integer value, int fallback) {
    if (value == null) {
      return fallback;
    }
    if (value < 1) {
      throw new IllegalArgumentException(option + " must be >= 1, got " + value);
    }
    return value;
  }
}
