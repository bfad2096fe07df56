package io.pigeonstreams.bench.chaos;

import io.pigeonstreams.avro.Status;
import io.pigeonstreams.bench.Percentiles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a chaos run promised and kept: every request the broker acknowledged has exactly one
 * committed answer. Counted from the ledger of committed answers against the requests sent.
 *
 * @param done what the scenario did to the cluster
 * @param sent requests the broker acknowledged
 * @param sendFailed requests the producer gave up on (never on the broker)
 * @param answeredOnce requests with exactly one committed answer
 * @param duplicates requests with more than one (target 0)
 * @param missing requests with none (target 0)
 * @param maxGapSeconds longest time without a committed answer while the load ran or a backlog was
 *     left
 * @param worstWaitSeconds per fault: the longest a request waited for its answer among those in
 *     flight at the fault (sent up to {@value #BEFORE_SECONDS} s before) or sent after it, until
 *     the next fault or {@value #AFTER_SECONDS} s
 * @param extra scenario figures (capacity, memory, fail-over times), in order
 */
public record ChaosResult(
    String scenario,
    String done,
    int sent,
    int sendFailed,
    int answeredOnce,
    int duplicates,
    int missing,
    double maxGapSeconds,
    List<Double> worstWaitSeconds,
    Map<Status, Integer> statuses,
    double latencyP50Seconds,
    double latencyP99Seconds,
    Map<String, String> extra) {

  static final int BEFORE_SECONDS = 10;
  static final int AFTER_SECONDS = 60;

  /** Nothing lost, nothing duplicated. */
  public boolean exactlyOnce() {
    return duplicates == 0 && missing == 0 && sent > 0;
  }

  /** The figures, from what was sent (id → nanoTime) and what the ledger read. */
  static ChaosResult of(
      String scenario,
      String done,
      Map<String, Long> sent,
      int sendFailed,
      AnswerLedger ledger,
      long loadStartNanos,
      List<Long> faultNanos,
      Map<String, String> extra) {
    return of(
        scenario,
        done,
        sent,
        sendFailed,
        ledger.copies(),
        ledger.arrivals(),
        loadStartNanos,
        faultNanos,
        extra);
  }

  /** The figures from the ledger's counts and arrivals (in the order they were read). */
  static ChaosResult of(
      String scenario,
      String done,
      Map<String, Long> sent,
      int sendFailed,
      Map<String, Integer> copies,
      List<AnswerLedger.Arrival> read,
      long loadStartNanos,
      List<Long> faultNanos,
      Map<String, String> extra) {
    int once = 0;
    int dup = 0;
    int missing = 0;
    for (String id : sent.keySet()) {
      int c = copies.getOrDefault(id, 0);
      if (c == 0) {
        missing++;
      } else if (c == 1) {
        once++;
      } else {
        dup++;
      }
    }
    List<AnswerLedger.Arrival> arrivals = new ArrayList<>();
    Map<String, Long> firstRead = new HashMap<>();
    for (AnswerLedger.Arrival a : read) {
      if (sent.containsKey(a.requestId())
          && firstRead.putIfAbsent(a.requestId(), a.readNanos()) == null) {
        arrivals.add(a);
      }
    }
    double maxGap = 0;
    long previous = loadStartNanos;
    for (AnswerLedger.Arrival a : arrivals) {
      maxGap = Math.max(maxGap, (a.readNanos() - previous) / 1e9);
      previous = Math.max(previous, a.readNanos());
    }
    List<Double> worstWaits = new ArrayList<>();
    List<Long> faults = faultNanos.stream().sorted().toList();
    for (int i = 0; i < faults.size(); i++) {
      long from = faults.get(i) - BEFORE_SECONDS * 1_000_000_000L;
      long to = faults.get(i) + AFTER_SECONDS * 1_000_000_000L;
      if (i + 1 < faults.size()) {
        to = Math.min(to, faults.get(i + 1));
      }
      worstWaits.add(worstWait(from, to, sent, arrivals));
    }
    List<Double> latencies = new ArrayList<>();
    Map<Status, Integer> statuses = new TreeMap<>();
    for (AnswerLedger.Arrival a : arrivals) {
      latencies.add((a.readNanos() - sent.get(a.requestId())) / 1e9);
      statuses.merge(a.status(), 1, Integer::sum);
    }
    Percentiles p = latencies.isEmpty() ? null : new Percentiles(latencies);
    return new ChaosResult(
        scenario,
        done,
        sent.size(),
        sendFailed,
        once,
        dup,
        missing,
        maxGap,
        worstWaits,
        statuses,
        p == null ? Double.NaN : p.at(50),
        p == null ? Double.NaN : p.at(99),
        new LinkedHashMap<>(extra));
  }

  /** The longest wait of a request sent in [from, to) (NaN when none was answered). */
  private static double worstWait(
      long from, long to, Map<String, Long> sent, List<AnswerLedger.Arrival> arrivals) {
    double worst = Double.NaN;
    for (AnswerLedger.Arrival a : arrivals) {
      long at = sent.get(a.requestId());
      if (at >= from && at < to) {
        double wait = (a.readNanos() - at) / 1e9;
        worst = Double.isNaN(worst) ? wait : Math.max(worst, wait);
      }
    }
    return worst;
  }

  /** A line for the console and the report. */
  public String summary() {
    return String.format(
        "%s: %s; %d requests sent (%d failed to send), %d answered exactly once, %d duplicated,"
            + " %d missing; longest time without an answer %.1f s; worst wait per fault %s; latency p50 %.2f s,"
            + " p99 %.2f s; statuses %s%s",
        scenario,
        done,
        sent,
        sendFailed,
        answeredOnce,
        duplicates,
        missing,
        maxGapSeconds,
        worstWaits(),
        latencyP50Seconds,
        latencyP99Seconds,
        statuses,
        extra.isEmpty() ? "" : "; " + extra);
  }

  /** The worst waits per fault in seconds, e.g. {@code 7.9 / 12.1}, or {@code -}. */
  public String worstWaits() {
    if (worstWaitSeconds.isEmpty()) {
      return "-";
    }
    List<String> out = new ArrayList<>();
    worstWaitSeconds.forEach(r -> out.add(String.format("%.1f", r)));
    return String.join(" / ", out) + " s";
  }

  /** The report as markdown. */
  public String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# bench chaos --scenario ").append(scenario).append("\n\n");
    md.append(done).append("\n\n");
    md.append("| figure | value |\n|---|---:|\n");
    md.append("| requests sent (acknowledged by the broker) | ").append(sent).append(" |\n");
    md.append("| failed to send | ").append(sendFailed).append(" |\n");
    md.append("| answered exactly once | ").append(answeredOnce).append(" |\n");
    md.append("| duplicated (target 0) | ").append(duplicates).append(" |\n");
    md.append("| missing (target 0) | ").append(missing).append(" |\n");
    md.append(String.format("| longest time without an answer | %.1f s |%n", maxGapSeconds));
    md.append("| worst wait per fault (requests in flight or sent after it) | ")
        .append(worstWaits())
        .append(" |\n");
    md.append(
        String.format(
            "| latency p50 / p99 | %.2f / %.2f s |%n", latencyP50Seconds, latencyP99Seconds));
    md.append("| answers by status | ").append(statuses).append(" |\n");
    extra.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    return md.toString();
  }
}
