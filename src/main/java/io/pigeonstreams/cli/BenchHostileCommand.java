package io.pigeonstreams.cli;

import io.pigeonstreams.bench.hostile.HostileCampaign;
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

/** {@code pigeon-streams bench hostile}: the options; the campaign is {@link HostileCampaign}. */
@Command(
    name = "hostile",
    mixinStandardHelpOptions = true,
    description = {
      "Hostile input from an outside client: Debian's kcat writes malformed records of every kind"
          + " (random bytes, empty values, truncated records, unknown fingerprints,"
          + " Confluent-framed bytes, oversized values, null keys, keys that are not the value's"
          + " user, huge strings, NaN ratios, negative counts, PNG bombs, non-PNG bytes) into"
          + " every input topic of a running engine on the in-process broker, then accounts for"
          + " each one: refused by the broker, a dead letter with its reason, or one REJECTED"
          + " answer. Writes OUT/hostile.md. Exit 1 when any record is unaccounted for or the"
          + " engine stopped answering."
    })
final class BenchHostileCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin DataOption data;

  @Option(
      names = "--records",
      defaultValue = "10000",
      description = "Hostile records per input topic (default: ${DEFAULT-VALUE}).")
  int records;

  @Option(
      names = "--generator",
      defaultValue = "pigeon",
      description = "The engine's generator (default: ${DEFAULT-VALUE}).")
  String generator;

  @Option(
      names = "--timeout",
      defaultValue = "PT10M",
      description = "How long to wait for every record to be accounted for (default: 10 min).")
  Duration timeout;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (records < 12) {
      throw new ParameterException(
          spec.commandLine(), "--records must be at least 12 (one of each kind)");
    }
    if (!HostileCampaign.kcatAvailable()) {
      throw new ParameterException(
          spec.commandLine(), "kcat is not installed (Debian: apt-get install kcat)");
    }
    Files.createDirectories(out);
    PrintWriter console = spec.commandLine().getOut();
    HostileCampaign.Result r =
        new HostileCampaign(
                new HostileCampaign.Settings(records, generator, out, timeout),
                data.load(),
                console)
            .run();
    return r.allAccounted() && r.runningAfter() && r.validAnsweredAfter() == r.validSentAfter()
        ? 0
        : 1;
  }
}
