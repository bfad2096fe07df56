package io.pigeonstreams.cli;

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

  /** The value, or the fallback when unset; refuses values below 1, naming the option. */
  static int positive(String option, Integer value, int fallback) {
    if (value == null) {
      return fallback;
    }
    if (value < 1) {
      throw new IllegalArgumentException(option + " must be >= 1, got " + value);
    }
    return value;
  }

  /** Writes a stage's model card beside its weights and prints it. */
  static void writeCard(java.nio.file.Path file, String card) throws java.io.IOException {
    java.nio.file.Files.writeString(file, card, java.nio.charset.StandardCharsets.UTF_8);
    System.out.print(card);
  }
}
