package io.pigeonstreams.cli;

import io.pigeonstreams.cli.demo.ConsoleDiversion;
import io.pigeonstreams.cli.demo.DemoRun;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Benchmark;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pigeon-streams demo}: the options; the run is {@link DemoRun}. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "The embedded demo: starts a Kafka broker in-process (KRaft), creates the topics, loads the"
          + " emoji catalog, simulates users producing interactions and requests, runs the engine"
          + " and prints a summary; writes a contact sheet of generated images and the log of"
          + " Kafka, PyTorch and the engine (OUT/demo.log) to --out."
    })
final class DemoCommand implements Callable<Integer> {

  static final String LOG_NAME = "demo.log";

  @Spec CommandSpec spec;

  @Mixin DataOption data;

  @Option(
      names = "--requests",
      defaultValue = "200",
      description = "Requests to send (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(
      names = "--duration",
      description = "Stop sending after this long (e.g. 30s, 2m), even before --requests.")
  Duration duration;

  @Option(
      names = "--users",
      defaultValue = "40",
      description = "Simulated users (default: ${DEFAULT-VALUE}).")
  int users;

  @Mixin SimulationOptions simulation;

  @Option(
      names = "--feedback-rounds",
      description =
          "Run the feedback loop instead: N rounds of serve (two options per request), simulated"
              + " users react, retrain, gate, announce, swap; --requests is per round"
              + " (default here 64).")
  Integer feedbackRounds;

  @Option(
      names = "--generator",
      defaultValue = "pigeon",
      description =
          "The engine's generator: pigeon (the trained model), unet (the conditional U-Net,"
              + " Pigeon's mask and scorer around it) or nearest-history (no model)"
              + " (default: ${DEFAULT-VALUE}).")
  String generator;

  @Option(
      names = "--out",
      defaultValue = "demo-out",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--serve",
      description =
          "Keep the demo running afterwards and serve the gallery (a web page over the engine's"
              + " state: pick a user, request stickers, like them, see experiments) on"
              + " http://127.0.0.1:8081/ (pigeon.http.port) until Ctrl-C.")
  boolean serve;

  @Option(
      names = "--verbose",
      description =
          "Show what Kafka, PyTorch and the engine log on the console too, instead of only in"
              + " OUT/demo.log.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (requests < 1) {
      throw new ParameterException(spec.commandLine(), "--requests must be >= 1, got " + requests);
    }
    if (!java.util.Set.of("pigeon", "unet", "nearest-history").contains(generator)) {
      throw new ParameterException(
          spec.commandLine(),
          "--generator must be pigeon, unet or nearest-history, got '" + generator + "'");
    }
    SimulationConfig config = simulation.config(users);
    // the console first: picocli makes it from System.out on first use, which is diverted below
    PrintWriter console = spec.commandLine().getOut();
    StickerDataset ds = data.load();
    Benchmark benchmark = new UserSimulator(ds).simulate(config);
    Files.createDirectories(out);
    if (feedbackRounds != null) {
      if (feedbackRounds < 1) {
        throw new ParameterException(
            spec.commandLine(), "--feedback-rounds must be >= 1, got " + feedbackRounds);
      }
      int perRound =
          spec.commandLine().getParseResult().hasMatchedOption("--requests") ? requests : 64;
      Path log = out.resolve(LOG_NAME);
      ConsoleDiversion diversion = verbose ? null : ConsoleDiversion.to(log);
      try {
        // the benchmark's full simulation, so that there are enough TEST requests per round
        Benchmark full = new UserSimulator(ds).simulate(simulation.config(Math.max(users, 2000)));
        new io.pigeonstreams.cli.demo.FeedbackRounds(
                new io.pigeonstreams.cli.demo.FeedbackRounds.Settings(
                    feedbackRounds, perRound, out),
                ds,
                full,
                console)
            .run();
      } finally {
        if (diversion != null) {
          diversion.close();
        }
      }
      return 0;
    }
    DemoRun run =
        new DemoRun(
            new DemoRun.Settings(requests, duration, out, generator, serve),
            ds,
            benchmark,
            console);
    if (verbose) {
      run.run();
      return 0;
    }
    Path log = out.resolve(LOG_NAME);
    ConsoleDiversion diversion = ConsoleDiversion.to(log);
    try {
      run.run();
    } finally {
      diversion.close();
      console.println("Log (Kafka, PyTorch, the engine; --verbose shows it here): " + log);
      console.flush();
    }
    return 0;
  }
}
