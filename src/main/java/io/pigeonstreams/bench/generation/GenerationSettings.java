package io.pigeonstreams.bench.generation;

import java.nio.file.Path;

/**
 * What the generation benchmark runs.
 *
 * @param requests requests in the batched burst
 * @param perRecordRequests requests in the per-record burst
 * @param soakSeconds how long requests are sent at half the throughput
 * @param batch B, {@code pigeon.batch.max.requests} of the batched engine
 * @param delayMs D, {@code pigeon.batch.max.delay.ms} of the batched engine
 * @param partitions partitions of the engine's topics
 * @param modelThreads PyTorch intra-op threads (0: PyTorch's default)
 * @param emoji emoji in the catalog, each in every style
 * @param rawImages images per batch size in the raw model's timing
 * @param streamThreads {@code num.stream.threads} of the engines, and the raw model's callers
 */
public record GenerationSettings(
    int requests,
    int perRecordRequests,
    int soakSeconds,
    int batch,
    int delayMs,
    int partitions,
    int modelThreads,
    int emoji,
    int rawImages,
    int streamThreads,
    Path modelDir,
    Path out) {

  public GenerationSettings {
    atLeast("requests", requests, 1);
    atLeast("per-record requests", perRecordRequests, 1);
    atLeast("soak seconds", soakSeconds, 1);
    atLeast("batch", batch, 1);
    atLeast("delay ms", delayMs, 0);
    atLeast("partitions", partitions, 1);
    atLeast("model threads", modelThreads, 0);
    atLeast("emoji", emoji, 1);
    atLeast("raw images", rawImages, 1);
    atLeast("stream threads", streamThreads, 1);
  }

  private static void atLeast(String what, int v, int min) {
    if (v < min) {
      throw new IllegalArgumentException(what + " must be >= " + min + ", got " + v);
    }
  }
}
