package io.pigeonstreams.cli;

import io.pigeonstreams.bench.generation.GenerationPhases;
import io.pigeonstreams.bench.generation.GenerationSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pigeon-streams bench generation}: the options; the benchmark is {@link GenerationPhases}.
 */
@Command(
    name = "generation",
    mixinStandardHelpOptions = true,
    description = {
      "Generation throughput and latency: the raw model per batch size, the engine batched and"
          + " per record, latency at half the throughput, memory over a longer run. Prints a table"
          + " and writes OUT/bench.csv (name,value,unit)."
    })
final class BenchGenerationCommand implements Callable<Integer> {

  @Mixin BenchOptions common;

  @Mixin ModelOption model;

  @Option(
      names = "--requests",
      defaultValue = "1500",
      description = "Requests in the batched burst (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(
      names = "--per-record-requests",
      defaultValue = "300",
      description = "Requests in the per-record burst (default: ${DEFAULT-VALUE}).")
  int perRecordRequests;

  @Option(
      names = "--soak-seconds",
      defaultValue = "60",
      description =
          "How long requests are sent at half the throughput, for latency and memory"
              + " (default: ${DEFAULT-VALUE}).")
  int soakSeconds;

  @Option(
      names = "--batch",
      defaultValue = "32",
      description =
          "B, pigeon.batch.max.requests of the batched engine (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--delay-ms",
      defaultValue = "50",
      description =
          "D, pigeon.batch.max.delay.ms of the batched engine (default: ${DEFAULT-VALUE}).")
  int delayMs;

  @Option(
      names = "--partitions",
      defaultValue = "3",
      description = "Partitions of the engine's topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--model-threads",
      defaultValue = "0",
      description =
          "PyTorch intra-op threads, as pigeon.model.threads (0: PyTorch's default, one per core;"
              + " default: ${DEFAULT-VALUE}).")
  int modelThreads;

  @Option(
      names = "--emoji",
      defaultValue = "300",
      description =
          "Emoji in the catalog, each in every style (default: ${DEFAULT-VALUE}, 1,500 items).")
  int emoji;

  @Option(
      names = "--raw-images",
      defaultValue = "384",
      description = "Images per batch size in the raw model's timing (default: ${DEFAULT-VALUE}).")
  int rawImages;

  @Option(
      names = "--stream-threads",
      defaultValue = "1",
      description =
          "num.stream.threads of the engines; the raw model is then called from as many threads"
              + " at once (default: ${DEFAULT-VALUE}).")
  int streamThreads;

  @Override
  public Integer call() throws Exception {
    GenerationSettings settings =
        common.settings(
            () ->
                new GenerationSettings(
                    requests,
                    perRecordRequests,
                    soakSeconds,
                    batch,
                    delayMs,
                    partitions,
                    modelThreads,
                    emoji,
                    rawImages,
                    streamThreads,
                    model.dir,
                    common.out));
    new GenerationPhases(settings, common.data.load(), System.out).run();
    return 0;
  }
}
