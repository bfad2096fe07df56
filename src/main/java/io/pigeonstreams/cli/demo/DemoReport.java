package io.pigeonstreams.cli.demo;

import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.Status;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The demo's summary: requests, committed answers by status, dead letters, latency. */
final class DemoReport {

  private DemoReport() {}

  static void print(PrintWriter out, int sent, List<GeneratedImage> answers, int deadLetters) {
    Map<Status, Integer> byStatus = byStatus(answers);
    List<Long> latencies = new ArrayList<>();
    for (GeneratedImage a : answers) {
      if (a.getStatus() != Status.REJECTED) {
        latencies.add(a.getLatencyMs());
      }
    }
    latencies.sort(null);
    long distinct = answers.stream().map(GeneratedImage::getRequestId).distinct().count();
    out.println();
    out.println("=== pigeon-streams demo ===");
    out.printf(Locale.ROOT, "requests sent        %d%n", sent);
    out.printf(
        Locale.ROOT,
        "answers (committed)  %d for %d distinct requests%n",
        answers.size(),
        distinct);
    for (Status s : Status.values()) {
      if (byStatus.containsKey(s)) {
        out.printf(Locale.ROOT, "  %-18s %d%n", s, byStatus.get(s));
      }
    }
    answers.stream()
        .filter(a -> a.getStatus() == Status.REJECTED)
        .limit(5)
        .forEach(a -> out.printf("  rejected %s: %s%n", a.getRequestId(), a.getReason()));
    out.printf(Locale.ROOT, "dead letters         %d%n", deadLetters);
    if (!latencies.isEmpty()) {
      out.printf(
          Locale.ROOT,
          "latency (request -> output, ms)  p50 %d  p99 %d  max %d%n",
          percentile(latencies, 0.50),
          percentile(latencies, 0.99),
          latencies.get(latencies.size() - 1));
    }
  }

  static Map<Status, Integer> byStatus(List<GeneratedImage> answers) {
    Map<Status, Integer> counts = new EnumMap<>(Status.class);
    answers.forEach(a -> counts.merge(a.getStatus(), 1, Integer::sum));
    return counts;
  }

  static long percentile(List<Long> sorted, double q) {
    int index = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
