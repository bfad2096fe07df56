package io.pigeonstreams.bench.history;

import io.pigeonstreams.bench.BenchResults;
import io.pigeonstreams.bench.Charts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The history benchmark's results for people: a throughput table and a latency table per N. */
public final class HistoryReport {

  /** The measurements' file in the output folder. */
  public static final String CSV_NAME = "bench-history.csv";

  private HistoryReport() {}

  /** Request latency inside the engine against the history length N, as a PNG chart. */
  static void chart(Path png, BenchResults r, HistorySettings s) throws IOException {
    List<Charts.Series> series = new ArrayList<>();
    for (int pct : new int[] {50, 95, 99}) {
      List<Double> n = new ArrayList<>();
      List<Double> ms = new ArrayList<>();
      for (int size : s.historySizes()) {
        n.add((double) size);
        ms.add(r.value("request_latency_p" + pct + "_n" + size));
      }
      series.add(Charts.Series.line("p" + pct, n, ms));
    }
    Charts.xy(
        png,
        String.format(
            Locale.ROOT,
            "Request latency against history length (history path at %,.0f interactions/s)",
            r.value("engine_interactions_per_s")),
        "history length N (liked items joined per request)",
        "request in -> answer out, inside the engine (ms)",
        series,
        false);
  }

  /** The results as a table for people. */
  public static String table(BenchResults r, HistorySettings s) {
    StringBuilder sb = new StringBuilder();
    java.util.Formatter f = new java.util.Formatter(sb, Locale.ROOT);
    f.format(
        "History path on the in-process broker: %d partitions, 1 stream thread, exactly_once_v2,"
            + " commit every 100 ms%n",
        (int) r.value("partitions"));
    if (!s.engine().isEmpty()) {
      f.format("engine settings over the defaults: %s%n", new java.util.TreeMap<>(s.engine()));
    }
    f.format(
        "machine: %d cores, max heap %,d MiB%n",
        (int) r.value("cores"), (long) r.value("max_heap_mb"));
    f.format(
        "workload: %,d interactions of %,d users, produced before consuming (%,.0f records/s)%n%n",
        (long) r.value("interactions"), (long) r.value("users"), r.value("load_records_per_s"));
    f.format("%-46s %12s %10s%n", "throughput", "records/s", "elapsed s");
    f.format(
        "%-46s %,12.0f %10.2f%n",
        "engine: interactions -> user-history (N=" + (int) r.value("throughput_history_size") + ")",
        r.value("engine_interactions_per_s"),
        r.value("engine_elapsed_s"));
    f.format(
        "%-46s %,12.0f %10.2f%n",
        "plain pipe: consume -> produce, exactly-once",
        r.value("pipe_records_per_s"),
        r.value("pipe_elapsed_s"));
    f.format("%-46s %12.2f%n", "engine / pipe", r.value("history_ratio"));
    f.format("(engine start to RUNNING, not timed above: %.1f s)%n%n", r.value("engine_startup_s"));
    f.format(
        "request latency vs history length N (a fresh engine per N; %d users; %d requests per N"
            + " after %d warm-up ones; %d in flight)%n",
        s.latencyUsers(), s.requestsPerSize(), s.warmupRequests(), s.inFlight());
    f.format(
        "%4s | %-26s | %-32s | %s%n",
        "", "engine latencyMs (ms)", "send -> committed answer (ms)", "answers");
    f.format(
        "%4s | %8s %8s %8s | %10s %10s %10s | %s%n",
        "N", "p50", "p95", "p99", "p50", "p95", "p99", "OK/all");
    for (int n : s.historySizes()) {
      f.format(
          "%4d | %8.0f %8.0f %8.0f | %10.1f %10.1f %10.1f | %d/%d%n",
          n,
          r.value("request_latency_p50_n" + n),
          r.value("request_latency_p95_n" + n),
          r.value("request_latency_p99_n" + n),
          r.value("request_e2e_p50_n" + n),
          r.value("request_e2e_p95_n" + n),
          r.value("request_e2e_p99_n" + n),
          (int) r.value("requests_ok_n" + n),
          (int) r.value("requests_answered_n" + n));
    }
    f.flush();
    return sb.toString();
  }
}
