package io.pigeonstreams.bench.history;

import static io.pigeonstreams.bench.history.HistoryPhases.READY_TIMEOUT;
import static io.pigeonstreams.bench.history.HistoryPhases.seconds;

import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.bench.BenchResults;
import io.pigeonstreams.bench.Percentiles;
import io.pigeonstreams.bench.Progress;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.AnswerCollector;
import io.pigeonstreams.workload.CommittedOffsets;
import io.pigeonstreams.workload.TopicProducer;
import io.pigeonstreams.workload.Waits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Request latency against the history length N: per N a fresh engine, 50 users with full histories,
 * a few warm-up requests (not measured), then requests with at most 20 awaiting their answer; the
 * engine's own {@code latencyMs} of every committed answer (request timestamp = send time) and the
 * client's send→read time of the committed answer.
 */
final class LatencyPhase {

  static final String LATENCY_APP = "bench-history-latency-n";
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

  private final HistorySettings settings;
  private final HistoryWorkload workload;
  private final String bootstrapServers;
  private final Progress progress;

  LatencyPhase(
      HistorySettings settings,
      HistoryWorkload workload,
      String bootstrapServers,
      Progress progress) {
    this.settings = settings;
    this.workload = workload;
    this.bootstrapServers = bootstrapServers;
    this.progress = progress;
  }

  void run(BenchResults results, CommittedOffsets offsets, Path state) throws Exception {
    Topics topics =
        new Topics(
            HistoryPhases.engineConfig(bootstrapServers, settings, "any", state, null).asMap());
    // a fresh engine reads its inputs from the start: drop what the throughput run left there
    offsets.truncate(List.of(topics.interactions.name()), settings.partitions());
    loadCatalog(topics);
    for (int n : settings.historySizes()) {
      latency(results, offsets, state, n);
    }
  }

  /** Writes the catalog (tokenized as the engine does) straight to its topic, once. */
  private void loadCatalog(Topics topics) throws IOException {
    long t0 = System.nanoTime();
    HistoryPhases.produceAll(
        bootstrapServers, workload.catalogEntries(topics), 5, 0, "the catalog");
    progress.line(
        "catalog: %,d entries written to %s in %.1f s",
        workload.itemIds().size(), topics.catalog.name(), seconds(System.nanoTime() - t0));
  }

  private void latency(BenchResults results, CommittedOffsets offsets, Path state, int n)
      throws Exception {
    String app = LATENCY_APP + n;
    EngineConfig config =
        HistoryPhases.engineConfig(
            bootstrapServers, settings, app, state.resolve("latency-n" + n), n);
    Topics topics = new Topics(config.asMap());
    offsets.truncate(
        List.of(topics.interactions.name(), topics.requests.name()), settings.partitions());
    progress.line("N=%d: starting a fresh engine (%s, pigeon.history.size=%d)", n, app, n);
    try (PigeonEngine engine = new PigeonEngine(config, HistoryPhases.components());
        TopicProducer producer = TopicProducer.connect(bootstrapServers, 0)) {
      long s0 = System.nanoTime();
      engine.start();
      if (!engine.awaitReady(READY_TIMEOUT)) {
        throw new IllegalStateException(app + " did not become ready in 60 s");
      }
      Waits.until(
          () -> engine.catalogStore().get(workload.lastItemId()) != null,
          "the catalog",
          READY_TIMEOUT);
      progress.line(
          "N=%d: engine RUNNING with the catalog after %.1f s", n, seconds(System.nanoTime() - s0));

      // histories: N + 2 distinct positive interactions per user, so each history is full
      Random rnd = new Random(settings.seed() + n);
      Map<String, String> newest = workload.fullHistories(producer, topics, n, rnd);
      List<String> users = new ArrayList<>(newest.keySet());
      long h0 = System.nanoTime();
      awaitHistories(engine, newest, n);
      progress.line(
          "N=%d: histories of %d users stored (%d interactions) in %.1f s",
          n, users.size(), users.size() * (n + 2), seconds(System.nanoTime() - h0));

      // requests: a few in flight at a time, timestamped when sent
      List<AnswerCollector.Answer> answers = requests(topics, producer, users, "n" + n + "-", rnd);
      List<Long> engineMs = new ArrayList<>();
      List<Double> e2eMs = new ArrayList<>();
      int ok = 0;
      int fullHistory = 0;
      for (AnswerCollector.Answer a : answers) {
        engineMs.add(a.image().getLatencyMs());
        e2eMs.add(a.endToEndMs());
        ok += a.image().getStatus() == Status.OK ? 1 : 0;
        fullHistory += a.image().getHistoryItemIds().size() == n ? 1 : 0;
      }
      if (ok != answers.size() || fullHistory != answers.size()) {
        progress
            .out()
            .printf(
                Locale.ROOT,
                "  warning: N=%d: %d of %d answers OK, %d with a history of %d items%n",
                n,
                ok,
                answers.size(),
                fullHistory,
                n);
      }
      Percentiles inEngine = new Percentiles(engineMs);
      Percentiles e2e = new Percentiles(e2eMs);
      for (int pct : new int[] {50, 95, 99}) {
        results.add("request_latency_p" + pct + "_n" + n, inEngine.at(pct), "ms");
      }
      for (int pct : new int[] {50, 95, 99}) {
        results.add("request_e2e_p" + pct + "_n" + n, e2e.at(pct), "ms");
      }
      results.add("requests_answered_n" + n, answers.size(), "count");
      results.add("requests_ok_n" + n, ok, "count");
      progress.line(
          "N=%d: %d answers (%d OK); latencyMs p50 %.0f, p95 %.0f, p99 %.0f ms; closing the engine",
          n, answers.size(), ok, inEngine.at(50), inEngine.at(95), inEngine.at(99));
    }
  }

  /**
   * Sends the warm-up requests (not measured: the first requests of a JVM pay for class loading and
   * compilation), then the measured ones; returns the answers to the measured ones.
   */
  private List<AnswerCollector.Answer> requests(
      Topics topics, TopicProducer producer, List<String> users, String prefix, Random rnd)
      throws InterruptedException {
    Semaphore slots = new Semaphore(settings.inFlight());
    try (AnswerCollector collector =
        new AnswerCollector(
            bootstrapServers, topics.generated, settings.partitions(), slots::release)) {
      collector.start();
      Client client = new Client(topics, producer, collector, slots, users, rnd);
      send(client, prefix + "warmup-", settings.warmupRequests());
      int warm = collector.count();
      send(client, prefix + "req-", settings.requestsPerSize());
      List<AnswerCollector.Answer> all = collector.answers();
      return all.subList(warm, all.size());
    }
  }

  /** One history length's client: where requests go, how answers come back, whose they are. */
  private record Client(
      Topics topics,
      TopicProducer producer,
      AnswerCollector collector,
      Semaphore slots,
      List<String> users,
      Random rnd) {}

  /** Sends {@code count} requests, at most {@code in-flight} unanswered, and awaits the answers. */
  private void send(Client client, String idPrefix, int count) throws InterruptedException {
    AnswerCollector collector = client.collector();
    int before = collector.count();
    for (int i = 0; i < count; i++) {
      if (!client.slots().tryAcquire(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "no answer within "
                + ANSWER_TIMEOUT.toSeconds()
                + " s ("
                + (collector.count() - before)
                + " of "
                + i
                + " sent answered)");
      }
      String user = client.users().get(i % client.users().size());
      String requestId = idPrefix + i;
      GenerationRequest request = workload.request(requestId, user, client.rnd());
      var record = TopicProducer.record(client.topics().requests, user, request);
      collector.expect(requestId, System.nanoTime());
      client.producer().send(record);
    }
    if (!collector.awaitCount(before + count, ANSWER_TIMEOUT)) {
      throw new IllegalStateException(
          "only " + (collector.count() - before) + " of " + count + " requests were answered");
    }
  }

  /** Waits until every user's history holds N items, the newest one first. */
  private static void awaitHistories(PigeonEngine engine, Map<String, String> newest, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      int complete = 0;
      try {
        ReadOnlyKeyValueStore<String, UserHistory> store = engine.historyStore();
        for (Map.Entry<String, String> e : newest.entrySet()) {
          UserHistory h = store.get(e.getKey());
          if (h != null
              && h.getPositives().size() == n
              && h.getPositives().get(0).getItemId().equals(e.getValue())) {
            complete++;
          }
        }
      } catch (RuntimeException notQueryableYet) {
        // during a rebalance
      }
      if (complete == newest.size()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "only " + complete + " of " + newest.size() + " histories were complete after 60 s");
      }
      Thread.sleep(20);
    }
  }
}
