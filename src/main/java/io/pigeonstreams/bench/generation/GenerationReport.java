package io.pigeonstreams.bench.generation;

import io.pigeonstreams.bench.BenchResults;
import io.pigeonstreams.bench.Charts;
import io.pigeonstreams.bench.ProcessMemory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Formatter;
import java.util.List;
import java.util.Locale;

/**
 * The generation benchmark's summary rows and its table for people. {@code engine_efficiency}
 * compares the batched engine with the raw model at the engine's mean batch size (interpolated
 * between the measured powers of two, measured just before and just after the engine: the machine's
 * speed drifts); {@code batching_gain} the batched engine with the per-record one.
 */
final class GenerationReport {

  /** The measurements' file in the output folder. */
  public static final String CSV_NAME = "bench.csv";

  private GenerationReport() {}

  /** The settings' rows, first in the CSV. */
  static void settings(BenchResults results, GenerationSettings s) {
    results.add("cores", Runtime.getRuntime().availableProcessors(), "count");
    results.add("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024), "MiB");
    results.add("batch_max_requests", s.batch(), "count");
    results.add("batch_max_delay", s.delayMs(), "ms");
    results.add("partitions", s.partitions(), "count");
    results.add("model_threads", s.modelThreads(), "count");
    results.add("stream_threads", s.streamThreads(), "count");
  }

  /** The rows computed from the measured ones, last in the CSV. */
  static void summary(BenchResults results) {
    double meanBatch = results.value("engine_mean_batch_requests_batched");
    double before = RawModelPhase.rawAt(results, meanBatch, "");
    double after = RawModelPhase.rawAt(results, meanBatch, "_after");
    double raw = (before + after) / 2;
    results.add("model_images_per_s_at_engine_batch_before", before, "images/s");
    results.add("model_images_per_s_at_engine_batch_after", after, "images/s");
    results.add("model_images_per_s_at_engine_batch", raw, "images/s");
    results.add("engine_efficiency", results.value("engine_images_per_s_batched") / raw, "ratio");
    results.add(
        "batching_gain",
        results.value("engine_images_per_s_batched")
            / results.value("engine_images_per_s_per_record"),
        "ratio");
    // the gain the raw model itself offers from batch 1 to the engine's mean batch, and how much
    // of it the engine captures
    double rawGain = raw / results.value("model_images_per_s_b1");
    results.add("model_batching_gain_at_engine_batch", rawGain, "ratio");
    results.add("batching_capture", results.value("batching_gain") / rawGain, "ratio");
    results.add("peak_rss", ProcessMemory.peakResidentMiB(), "MiB");
  }

  /**
   * {@code OUT/throughput.png} (images/s against batch size: the raw model, and the engine
   * micro-batched at its mean batch and per record), {@code OUT/latency-cdf.png} (the soak's
   * request latencies) and {@code OUT/memory.png} (resident memory over the soak).
   */
  static void charts(Path out, BenchResults r, EnginePhase.Soak soak) throws IOException {
    List<Double> batches = new ArrayList<>();
    List<Double> raw = new ArrayList<>();
    List<Double> batchesAfter = new ArrayList<>();
    List<Double> rawAfter = new ArrayList<>();
    for (int b = 1; b <= 64; b *= 2) {
      if (r.get("model_images_per_s_b" + b).isPresent()) {
        batches.add((double) b);
        raw.add(r.value("model_images_per_s_b" + b));
      }
      if (r.get("model_images_per_s_b" + b + "_after").isPresent()) {
        batchesAfter.add((double) b);
        rawAfter.add(r.value("model_images_per_s_b" + b + "_after"));
      }
    }
    Charts.xy(
        out.resolve("throughput.png"),
        "Images per second against batch size",
        "batch size (requests, one image each)",
        "images/s",
        List.of(
            Charts.Series.line("raw model", batches, raw),
            Charts.Series.line("raw model, again after the engine", batchesAfter, rawAfter),
            Charts.Series.points(
                "engine, micro-batched (at its mean batch)",
                new double[] {r.value("engine_mean_batch_requests_batched")},
                new double[] {r.value("engine_images_per_s_batched")}),
            Charts.Series.points(
                "engine, per record",
                new double[] {1},
                new double[] {r.value("engine_images_per_s_per_record")})),
        true);
    Charts.xy(
        out.resolve("latency-cdf.png"),
        String.format(
            Locale.ROOT,
            "Request latency at %.1f requests/s (half the batched throughput)",
            r.value("latency_rate")),
        "request produced -> answer committed (ms)",
        "share of requests",
        List.of(Charts.cdf("requests", soak.latenciesMs())),
        false);
    Charts.xy(
        out.resolve("memory.png"),
        "Resident memory over the soak (one process: broker, engine, model)",
        "seconds",
        "MiB",
        List.of(Charts.Series.line("resident memory", soak.seconds(), soak.residentMiB())),
        false);
  }

  /** The results as a table for people. */
  public static String table(BenchResults r) {
    StringBuilder sb = new StringBuilder();
    Formatter f = new Formatter(sb, Locale.ROOT);
    int b = (int) r.value("batch_max_requests");
    f.format(
        "Generation on the in-process broker: %d cores, %d partitions, %d stream thread(s), PyTorch"
            + " threads %s, exactly_once_v2, 1 candidate per request%n",
        (int) r.value("cores"),
        (int) r.value("partitions"),
        (int) r.value("stream_threads"),
        r.value("model_threads") == 0
            ? "default"
            : Integer.toString((int) r.value("model_threads")));
    f.format(
        "raw model (mask + generate + decode + score + PNG), images/s: batch 1 %.1f, batch 32"
            + " %.1f; at the engine's mean batch (%.1f) %.1f before and %.1f after the engine%n",
        r.value("model_images_per_s_b1"),
        r.value("model_images_per_s_b32"),
        r.value("engine_mean_batch_requests_batched"),
        r.value("model_images_per_s_at_engine_batch_before"),
        r.value("model_images_per_s_at_engine_batch_after"));
    f.format(
        "engine, micro-batched (B=%d, D=%d ms, mean batch %.1f): %.1f images/s"
            + " (model inside: %.1f images/s, %.0f%% of the time)%n",
        b,
        (int) r.value("batch_max_delay"),
        r.value("engine_mean_batch_requests_batched"),
        r.value("engine_images_per_s_batched"),
        r.value("engine_model_images_per_s_batched"),
        100 * r.value("engine_model_time_share_batched"));
    f.format(
        "engine, per record (B=1): %.1f images/s (model inside: %.1f images/s, %.0f%% of the"
            + " time)%n",
        r.value("engine_images_per_s_per_record"),
        r.value("engine_model_images_per_s_per_record"),
        100 * r.value("engine_model_time_share_per_record"));
    int near =
        Integer.highestOneBit((int) Math.max(1, r.value("engine_mean_batch_requests_batched")));
    f.format(
        "ms per image by stage: %-9s %8s %8s %8s %8s %8s%n",
        "", "prepare", "mask", "generate", "score", "publish");
    f.format(
        "  raw model, batch %-3d         %8s %8.2f %8.2f %8.2f %8.2f%n",
        near,
        "-",
        r.value("model_mask_ms_per_image_b" + near),
        r.value("model_generate_ms_per_image_b" + near),
        r.value("model_score_ms_per_image_b" + near),
        r.value("model_publish_ms_per_image_b" + near));
    f.format(
        "  engine, batched              %8.2f %8.2f %8.2f %8.2f %8.2f%n",
        r.value("engine_prepare_ms_per_image_batched"),
        r.value("engine_mask_ms_per_image_batched"),
        r.value("engine_generate_ms_per_image_batched"),
        r.value("engine_score_ms_per_image_batched"),
        r.value("engine_publish_ms_per_image_batched"));
    f.format(
        "engine_efficiency %.2f (target >= 0.9), batching_gain %.2f, batching_capture %.2f (of"
            + " the raw model's %.2f at the engine's mean batch; target >= 0.9)%n",
        r.value("engine_efficiency"),
        r.value("batching_gain"),
        r.value("batching_capture"),
        r.value("model_batching_gain_at_engine_batch"));
    f.format(
        "latency at %.1f requests/s: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms%n",
        r.value("latency_rate"),
        r.value("latency_p50"),
        r.value("latency_p95"),
        r.value("latency_p99"));
    f.format(
        "resident memory over %d s: %.0f -> %.0f MiB (growth %.0f MiB), peak %.0f MiB%n",
        (int) r.value("soak_seconds"),
        r.value("rss_first_quarter"),
        r.value("rss_last_quarter"),
        r.value("rss_growth"),
        r.value("peak_rss"));
    f.flush();
    return sb.toString();
  }
}
