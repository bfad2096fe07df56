package io.pigeonstreams.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pigeon-streams} command line: {@code java -jar target/pigeon-streams.jar --help}. */
@Command(
    name = "pigeon-streams",
    mixinStandardHelpOptions = true,
    version = "pigeon-streams 0.1.0",
    description = "Personalized sticker generation (Pigeon) on Kafka Streams, and its benchmark.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      DatasetCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      ModelCommand.class,
      RetrainCommand.class,
      ExportCommand.class,
      ExperimentCommand.class,
      ProduceCommand.class,
      TopicsCommand.class,
      io.pigeonstreams.cli.BenchCommand.class
    })
public final class PigeonCli {

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("java.awt.headless", "true");
    System.exit(newCommandLine().execute(args));
  }

  static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new PigeonCli());
    cli.setExecutionExceptionHandler(PigeonCli::reportFailure);
    return cli;
  }

  /** Bad input ends with one clear line and a non-zero exit, not a stack trace. */
  private static int reportFailure(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof java.nio.file.NoSuchFileException missing) {
      message = missing.getFile() + ": " + missing.getReason();
    }
    commandLine.getErr().println("error: " + message);
    if (System.getenv("PIGEON_DEBUG") != null) {
      e.printStackTrace(commandLine.getErr());
    }
    return e instanceof IllegalArgumentException ? 2 : 1;
  }
}
