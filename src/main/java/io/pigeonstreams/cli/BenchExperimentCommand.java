package io.pigeonstreams.cli;

import io.pigeonstreams.bench.experiment.ExperimentScenario;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.UserSimulator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pigeon-streams bench experiment}: the options; the scenario is {@link ExperimentScenario}.
 */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description = {
      "Runs an A/B experiment on an in-process Kafka broker (KRaft) with the engine and simulated"
          + " users who react through the reaction model; prints the report from"
          + " experiment-results, checks it against a recomputation from the raw exposures and"
          + " interactions, and writes OUT/experiment-report.txt. Exit 4: sample-ratio mismatch;"
          + " exit 5: the two computations disagree."
    })
final class BenchExperimentCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin DataOption data;

  @Mixin SimulationOptions simulation;

  @Option(
      names = "--users",
      defaultValue = "400",
      description = "TEST users taking part (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--requests-per-user",
      defaultValue = "7",
      description =
          "Requests per user at most, one per sliding window (default: ${DEFAULT-VALUE}).")
  int requestsPerUser;

  @Option(
      names = "--variant",
      description =
          "NAME:WEIGHT[:alpha_h=X][:alpha_r=X][:candidates=K][:model=VERSION][:generator=G], once"
              + " per variant, the first the control (default: reference:0.5:alpha_r=0:candidates=1"
              + " personalized:0.5:alpha_r=0.5:candidates=1).")
  List<String> variants =
      List.of("reference:0.5:alpha_r=0:candidates=1", "personalized:0.5:alpha_r=0.5:candidates=1");

  @Option(
      names = "--metrics",
      split = ",",
      defaultValue = "like_rate",
      description = "What the experiment is judged by (default: ${DEFAULT-VALUE}).")
  List<String> metrics;

  @Option(
      names = "--drop",
      description =
          "VARIANT:SHARE: lose that share of the variant's users' requests on the client, to see"
              + " the sample-ratio check flag it.")
  String drop;

  @Option(
      names = "--models",
      defaultValue = "models",
      description = "Models folder (default: ${DEFAULT-VALUE}).")
  Path models;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Override
  public Integer call() throws Exception {
    String dropVariant = null;
    double dropShare = 0;
    if (drop != null) {
      int at = drop.lastIndexOf(':');
      try {
        dropVariant = drop.substring(0, at);
        dropShare = Double.parseDouble(drop.substring(at + 1));
      } catch (RuntimeException e) {
        throw new ParameterException(spec.commandLine(), "--drop wants VARIANT:SHARE, got " + drop);
      }
      if (!(dropShare >= 0 && dropShare <= 1)) {
        throw new ParameterException(spec.commandLine(), "--drop share must be in [0, 1]");
      }
    }
    if (users < 2 || requestsPerUser < 1) {
      throw new ParameterException(
          spec.commandLine(), "--users must be >= 2 and --requests-per-user >= 1");
    }
    PrintWriter console = spec.commandLine().getOut();
    StickerDataset ds = data.load();
    var benchmark = new UserSimulator(ds).simulate(simulation.config(users * 10));
    Files.createDirectories(out);
    ExperimentScenario scenario =
        new ExperimentScenario(
            new ExperimentScenario.Settings(
                users,
                requestsPerUser,
                simulation.noise,
                simulation.seed,
                variants,
                metrics,
                dropVariant,
                dropShare,
                out),
            ds,
            benchmark,
            models,
            console);
    try {
      scenario.experiment();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    ExperimentScenario.Result r = scenario.run();
    if (!r.agree()) {
      return 5;
    }
    return r.published().sampleRatioMismatch() ? 4 : 0;
  }
}
