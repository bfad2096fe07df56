package io.pigeonstreams.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pigeon-streams bench}: benchmarks of the streaming engine on an in-process broker. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks of the streaming engine on an in-process Kafka broker.",
    subcommands = {
      BenchHistoryCommand.class,
      BenchModelCommand.class,
      BenchGenerationCommand.class,
      BenchExperimentCommand.class,
      BenchHostileCommand.class,
      BenchChaosCommand.class
    })
public final class BenchCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "Missing required subcommand: history, model, generation, experiment, hostile or chaos");
  }
}
