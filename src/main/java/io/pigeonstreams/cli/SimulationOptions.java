package io.pigeonstreams.cli;

import io.pigeonstreams.data.simulation.SimulationConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The simulated users' options of {@code demo} and {@code eval}: seed and history noise. */
final class SimulationOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Simulation seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--noise",
      defaultValue = "0.2",
      description =
          "History noise epsilon in [0, 1]: the share of each history in another style"
              + " (default: ${DEFAULT-VALUE}).")
  double noise;

  /** The simulation of {@code users} users; values it refuses are usage errors (exit 2). */
  SimulationConfig config(int users) {
    if (!(noise >= 0 && noise <= 1)) {
      throw new ParameterException(
          command.commandLine(), "--noise must be in [0, 1], got " + noise);
    }
    try {
      return SimulationConfig.defaults(seed, noise).withUsers(users);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage());
    }
  }
}
