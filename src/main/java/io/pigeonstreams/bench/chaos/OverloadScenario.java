package io.pigeonstreams.bench.chaos;

import io.pigeonstreams.data.StickerDataset;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench chaos --scenario overload}: one engine offered twice what it answers when flooded,
 * its memory and latency sampled, then the time until the backlog is answered.
 */
final class OverloadScenario {

  private final ChaosSettings settings;
  private final StickerDataset dataset;
  private final PrintWriter console;

  OverloadScenario(ChaosSettings settings, StickerDataset dataset, PrintWriter console) {
    this.settings = settings;
    this.dataset = dataset;
    this.console = console;
  }

  ChaosResult run() throws Exception {
    try (ChaosHarness h = new ChaosHarness(settings, "run", settings.brokers(), dataset, console)) {
      return h.guarded(
          () -> {
            // alone on the machine: PyTorch's own threads and the default batch
            List<EngineProcess> engines =
                h.startEngines(
                    1, Map.of("pigeon.model.threads", "0", "pigeon.batch.max.requests", "32"));
            EngineProcess engine = engines.get(0);
            // a backlog of about 30 s of work for the 5-minute run, less for short ones
            int burst = (int) Math.max(300, Math.min(1500, settings.duration().toSeconds() * 5));
            double drainCapacity = measureCapacity(h, burst);
            h.log("capacity %.1f requests/s draining a backlog", drainCapacity);
            double total = settings.duration().toMillis() / 1000.0;
            // the engine answers more under a steady flood than draining a backlog: the first
            // fifth (at most a minute) offers twice the drain rate and measures what it answers
            // then; the rest offers twice that
            double calibration = Math.min(60, total / 5);
            OpenLoopLoad load = h.load("r");
            long start = System.nanoTime();
            load.start(2 * drainCapacity);
            double capacity = Double.NaN;
            double rate = 2 * drainCapacity;
            List<double[]> samples = new ArrayList<>(); // seconds, RSS MiB, heap MiB
            while ((System.nanoTime() - start) / 1e9 < total) {
              Thread.sleep(Math.min(5_000, (long) (calibration * 1000 / 2)));
              double s = (System.nanoTime() - start) / 1e9;
              if (Double.isNaN(capacity) && s >= calibration) {
                capacity = answeredRate(h, load, start, calibration / 3, s);
                rate = Math.max(rate, 2 * capacity);
                load.rate(rate);
                h.log("answering %.1f requests/s flooded; offering %.1f from now", capacity, rate);
              }
              samples.add(new double[] {s, engine.residentMiB(), engine.heapUsedMiB()});
              h.log(
                  "%.0f s: %d answered of %d sent, RSS %.0f MiB, heap %.0f MiB",
                  s,
                  h.ledger().answered(),
                  load.sent().size(),
                  samples.get(samples.size() - 1)[1],
                  samples.get(samples.size() - 1)[2]);
            }
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put(
                "capacity draining a backlog", String.format("%.1f requests/s", drainCapacity));
            extra.put(
                String.format(
                    "capacity flooded (answered in %.0f..%.0f s)", calibration / 3, calibration),
                String.format("%.1f requests/s", capacity));
            extra.put(
                String.format("offered from %.0f s", calibration),
                String.format("%.1f requests/s", rate));
            extra.put(
                "answered meanwhile",
                String.format(
                    "%.1f requests/s",
                    answeredRate(h, load, start, calibration, (System.nanoTime() - start) / 1e9)));
            extra.put("RSS, first minute → last minute (MiB)", memory(samples, 1, total));
            extra.put("heap used, first minute → last minute (MiB)", memory(samples, 2, total));
            return h.finish(
                load,
                start,
                List.of(),
                String.format(
                    "1 engine JVM, offered twice the capacity measured just before (open loop)"
                        + " for %d s; then the load stops and the backlog is answered.",
                    (long) total),
                extra);
          });
    }
  }

  private static double answeredRate(
      ChaosHarness h, OpenLoopLoad load, long start, double from, double to) {
    Map<String, Long> sent = load.sent();
    long lo = start + (long) (from * 1e9);
    long hi = start + (long) (to * 1e9);
    long n =
        h.ledger().arrivals().stream()
            .filter(a -> sent.containsKey(a.requestId()))
            .filter(a -> a.readNanos() >= lo && a.readNanos() < hi)
            .count();
    return n / (to - from);
  }

  private double measureCapacity(ChaosHarness h, int burst) throws Exception {
    OpenLoopLoad probe = h.load("probe");
    probe.start(2000);
    while (probe.sent().size() + probe.failed() < burst) {
      Thread.sleep(5);
    }
    probe.stop();
    Map<String, Long> ids = probe.sent();
    long deadline = System.nanoTime() + ChaosHarness.DRAIN.toNanos();
    while (!h.ledger().answeredAll(ids.keySet())) {
      h.ledger().requireHealthy();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the capacity probe was not answered");
      }
      Thread.sleep(50);
    }
    long[] arrivals =
        h.ledger().arrivals().stream()
            .filter(a -> ids.containsKey(a.requestId()))
            .mapToLong(AnswerLedger.Arrival::readNanos)
            .sorted()
            .toArray();
    int lo = arrivals.length / 5;
    int hi = arrivals.length * 4 / 5;
    return (hi - lo) / ((arrivals[hi] - arrivals[lo]) / 1e9);
  }

  /** Mean of the samples in the first minute → in the last minute of the load. */
  private static String memory(List<double[]> samples, int column, double total) {
    double firstEnd = Math.min(60, total / 2);
    double lastStart = Math.max(total - 60, total / 2);
    return String.format(
        "%.0f → %.0f (max %.0f)",
        samples.stream()
            .filter(s -> s[0] <= firstEnd)
            .mapToDouble(s -> s[column])
            .average()
            .orElse(Double.NaN),
        samples.stream()
            .filter(s -> s[0] >= lastStart)
            .mapToDouble(s -> s[column])
            .average()
            .orElse(Double.NaN),
        samples.stream().mapToDouble(s -> s[column]).max().orElse(Double.NaN));
  }
}
