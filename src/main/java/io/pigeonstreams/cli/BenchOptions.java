package io.pigeonstreams.cli;

import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options of every {@code bench} verb: where the results go, which dataset is read. */
final class BenchOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Mixin DataOption data;

  /** The settings {@code make} builds; one it refuses is a usage error (exit 2) naming it. */
  <T> T settings(Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage());
    }
  }
}
