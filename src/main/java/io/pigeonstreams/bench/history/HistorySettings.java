package io.pigeonstreams.bench.history;

import java.util.List;
import java.util.Map;

/**
 * What the history benchmark runs.
 *
 * @param engine engine settings over the benchmark's own (e.g. {@code max.task.idle.ms=-1})
 */
public record HistorySettings(
    int interactions,
    int users,
    List<Integer> historySizes,
    int requestsPerSize,
    int warmupRequests,
    int latencyUsers,
    int inFlight,
    int partitions,
    long seed,
    Map<String, String> engine) {

  public HistorySettings {
    positive("interactions", interactions);
    positive("users", users);
    positive("requests per size", requestsPerSize);
    if (warmupRequests < 0) {
      throw new IllegalArgumentException("warm-up requests must be >= 0, got " + warmupRequests);
    }
    positive("latency users", latencyUsers);
    positive("in-flight requests", inFlight);
    positive("partitions", partitions);
    if (historySizes == null || historySizes.isEmpty()) {
      throw new IllegalArgumentException("at least one history size is needed");
    }
    for (int n : historySizes) {
      positive("history size", n);
    }
    historySizes = List.copyOf(historySizes);
    engine = Map.copyOf(engine == null ? Map.of() : engine);
  }

  public static HistorySettings defaults() {
    return new HistorySettings(
        1_000_000, 2_000, List.of(1, 5, 10, 20), 200, 20, 50, 20, 3, 42L, Map.of());
  }

  private static void positive(String what, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(what + " must be >= 1, got " + v);
    }
  }
}
