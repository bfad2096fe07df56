package io.pigeonstreams.bench.generation;

import io.pigeonstreams.bench.BenchResults;
import io.pigeonstreams.bench.Progress;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.generate.pigeon.PigeonComponents;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.model.Devices;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.CommittedOffsets;
import io.pigeonstreams.workload.Directories;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bench generation}: the generation path against its limit, in one process and one run, on
 * an in-process broker, with the committed Pigeon model loaded once and shared by every phase (as
 * in one long-running engine: the JIT and the scorer's caches warm up once). The workload is {@link
 * GenerationWorkload}; the phases, in order:
 *
 * <ol>
 *   <li>the raw model ({@link RawModelPhase}) at batch sizes 1, 2, 4, …, 64;
 *   <li>the engine, micro-batched: after as many warm-up requests, a burst produced at once,
 *       images/s from the first send to the last committed (read_committed) answer; the share of
 *       that time the stream thread spent in the model, from the engine's own meters ({@link
 *       EngineMeters}); then the raw model again around the engine's mean batch;
 *   <li>request → committed answer latency with requests sent at half the batched throughput (open
 *       loop) for the soak's seconds, with the process's resident memory sampled each second: does
 *       it stay flat?
 *   <li>the engine answering each request alone (B = 1, what the known Kafka Streams examples do),
 *       the same way, in a fresh engine on the same model.
 * </ol>
 *
 * The summary and the table are {@link GenerationReport}. A benchmark, not a test: it reports
 * numbers and fails only when the engine does not answer.
 */
public final class GenerationPhases {

  private final GenerationSettings settings;
  private final StickerDataset dataset;
  private final Progress progress;

  public GenerationPhases(GenerationSettings settings, StickerDataset dataset, PrintStream log) {
    this.settings = settings;
    this.dataset = dataset;
    this.progress = new Progress(log);
  }

  /** Runs every phase, writes OUT/bench.csv, prints the table; returns the measurements. */
  public BenchResults run() throws Exception {
    Files.createDirectories(settings.out());
    Devices.threads(settings.modelThreads());
    BenchResults results = new BenchResults();
    GenerationReport.settings(results, settings);
    GenerationWorkload workload = new GenerationWorkload(dataset, settings.emoji());
    progress.line(
        "loading %s (one model for every phase, as in one long-running engine)",
        settings.modelDir());
    try (PigeonComponents model =
        PigeonComponents.load(
            settings.modelDir(),
            PigeonComponents.DEFAULT_CHECKPOINT,
            GenerationWorkload.HISTORY,
            Devices.parse("auto"))) {
      soak = run(model, workload, results);
    }
    GenerationReport.summary(results);
    GenerationReport.charts(settings.out(), results, soak);
    Path csv = settings.out().resolve(GenerationReport.CSV_NAME);
    results.writeCsv(csv);
    PrintStream log = progress.out();
    log.println();
    log.print(GenerationReport.table(results));
    log.println("CSV: " + csv);
    return results;
  }

  private EnginePhase.Soak soak;

  private EnginePhase.Soak run(
      PigeonComponents model, GenerationWorkload workload, BenchResults results) throws Exception {
    EnginePhase.Soak soaked;
    RawModelPhase raw = new RawModelPhase(model, workload, settings, progress);
    raw.run(results, List.of(1, 2, 4, 8, 16, 32, 64), "");
    Path state = settings.out().resolve("state");
    Directories.deleteRecursively(state);
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      String bootstrap = kafka.bootstrapServers();
      progress.line("broker up at %s", bootstrap);
      EnginePhase phase = new EnginePhase(model, workload, settings, bootstrap, progress);
      try (PigeonEngine engine =
          phase.start("bench-gen-batched", state, settings.batch(), settings.delayMs())) {
        phase.seed(engine, settings.requests());
        double batched = phase.measuredBurst(engine, "batched", settings.requests(), results);
        int lo =
            Integer.highestOneBit(
                (int) Math.max(1, results.value("engine_mean_batch_requests_batched")));
        progress.line("raw model again, at the batch sizes around the engine's mean batch");
        raw.run(results, lo >= 64 ? List.of(64) : List.of(lo, lo * 2), "_after");
        soaked = phase.soak(engine, 0.5 * batched, results);
      }
      try (CommittedOffsets offsets = new CommittedOffsets(bootstrap)) {
        // the fresh engine below reads its inputs from the start: drop the requests answered above
        offsets.truncate(List.of(Topics.REQUESTS_NAME), settings.partitions());
      }
      try (PigeonEngine engine = phase.start("bench-gen-per-record", state, 1, 0)) {
        phase.awaitReady(engine, settings.perRecordRequests());
        phase.measuredBurst(engine, "per_record", settings.perRecordRequests(), results);
      }
    }
    return soaked;
  }
}
