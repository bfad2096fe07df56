package io.pigeonstreams.bench.generation;

import io.micrometer.core.instrument.MeterRegistry;
import io.pigeonstreams.bench.BenchResults;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The engine's batch meters at one moment: what a phase adds is the difference of two.
 *
 * @param stageMs time per stage of the batch pipeline (prepare, mask, generate, score, publish)
 */
record EngineMeters(
    long batches, double requests, double images, double inferenceMs, Map<String, Double> stageMs) {

  static final List<String> STAGES = List.of("prepare", "mask", "generate", "score", "publish");

  static EngineMeters of(MeterRegistry r) {
    var size = r.get("pigeon.batch.requests").summary();
    Map<String, Double> stages = new HashMap<>();
    for (String stage : STAGES) {
      var t = r.find("pigeon.stage").tag("stage", stage).timer();
      stages.put(stage, t == null ? 0 : t.totalTime(TimeUnit.MILLISECONDS));
    }
    return new EngineMeters(
        size.count(),
        size.totalAmount(),
        r.get("pigeon.batch.images").summary().totalAmount(),
        r.get("pigeon.inference").timer().totalTime(TimeUnit.MILLISECONDS),
        stages);
  }

  EngineMeters minus(EngineMeters o) {
    Map<String, Double> stages = new HashMap<>();
    stageMs.forEach((k, v) -> stages.put(k, v - o.stageMs.get(k)));
    return new EngineMeters(
        batches - o.batches,
        requests - o.requests,
        images - o.images,
        inferenceMs - o.inferenceMs,
        stages);
  }

  /**
   * Mean batch, the model's images/s inside the engine (masking, generation, scoring of the
   * batches) and the share of the wall time the stream thread spent there.
   */
  void report(BenchResults results, String phase, long elapsedNanos, int threads) {
    // with several stream threads the batches run side by side: their time is shared out
    double wallMs = inferenceMs / threads;
    results.add("engine_mean_batch_requests_" + phase, requests / Math.max(1, batches), "count");
    results.add("engine_model_images_per_s_" + phase, images / (wallMs / 1000), "images/s");
    results.add("engine_model_time_share_" + phase, wallMs / (elapsedNanos / 1e6), "ratio");
    for (String stage : STAGES) {
      results.add("engine_" + stage + "_ms_per_image_" + phase, stageMs.get(stage) / images, "ms");
    }
  }
}
