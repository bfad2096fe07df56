package io.pigeonstreams.cli;

import io.pigeonstreams.bench.BenchResults;
import io.pigeonstreams.bench.history.HistoryPhases;
import io.pigeonstreams.bench.history.HistoryReport;
import io.pigeonstreams.bench.history.HistorySettings;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pigeon-streams bench history}: the options; the benchmark is {@link HistoryPhases}. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks the engine's history path on an in-process Kafka broker (KRaft): interactions/s"
          + " of the engine against a plain exactly-once consume->produce pipe on the same"
          + " partitions, then request latency against the history length N. Prints a table and"
          + " writes OUT/bench-history.csv (name,value,unit)."
    })
final class BenchHistoryCommand implements Callable<Integer> {

  @Mixin BenchOptions common;

  @Option(
      names = "--interactions",
      defaultValue = "1000000",
      description =
          "Interactions for the throughput run (default: ${DEFAULT-VALUE}: long enough that the"
              + " plain pipe runs for seconds and both are past the JIT's warm-up).")
  int interactions;

  @Option(
      names = "--users",
      defaultValue = "2000",
      description = "Users of the throughput run (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--history-sizes",
      split = ",",
      defaultValue = "1,5,10,20",
      description = "History lengths N for the latency runs (default: ${DEFAULT-VALUE}).")
  List<Integer> historySizes;

  @Option(
      names = "--requests-per-size",
      defaultValue = "200",
      description = "Requests per history length (default: ${DEFAULT-VALUE}).")
  int requestsPerSize;

  @Option(
      names = "--warmup-requests",
      defaultValue = "20",
      description =
          "Requests sent to each fresh engine before the measured ones, not measured"
              + " (default: ${DEFAULT-VALUE}).")
  int warmupRequests;

  @Option(
      names = "--in-flight",
      defaultValue = "20",
      description = "Requests awaiting their answer at most (default: ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(
      names = "--latency-users",
      defaultValue = "50",
      description = "Users with full histories in the latency runs (default: ${DEFAULT-VALUE}).")
  int latencyUsers;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Workload seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "An engine setting over the benchmark's own, repeatable (e.g. --set"
              + " max.task.idle.ms=-1).")
  java.util.Map<String, String> engineSettings = new java.util.LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    HistorySettings settings =
        common.settings(
            () ->
                new HistorySettings(
                    interactions,
                    users,
                    historySizes,
                    requestsPerSize,
                    warmupRequests,
                    latencyUsers,
                    inFlight,
                    HistorySettings.defaults().partitions(),
                    seed,
                    engineSettings));
    PrintStream stdout = System.out;
    StickerDataset dataset = common.data.load();
    Path out = common.out;
    Files.createDirectories(out);
    stdout.println("Starting Kafka (KRaft, in-process) ...");
    BenchResults results;
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      stdout.printf(
          Locale.ROOT,
          "Kafka at %s (started in %.1f s)%n",
          kafka.bootstrapServers(),
          kafka.startupTime().toMillis() / 1000.0);
      results = new HistoryPhases(settings, dataset, out, kafka.bootstrapServers(), stdout).run();
    }
    Path csv = out.resolve(HistoryReport.CSV_NAME);
    results.writeCsv(csv);
    stdout.println();
    stdout.print(HistoryReport.table(results, settings));
    stdout.println();
    stdout.println("CSV: " + csv);
    return 0;
  }
}
