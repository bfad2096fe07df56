package io.pigeonstreams.bench.generation;

import io.pigeonstreams.avro.Status;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.bench.BenchResults;
import io.pigeonstreams.bench.Percentiles;
import io.pigeonstreams.bench.ProcessMemory;
import io.pigeonstreams.bench.Progress;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.generate.pigeon.PigeonComponents;
import io.pigeonstreams.kafka.TopicAdmin;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.AnswerCollector;
import io.pigeonstreams.workload.TopicProducer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The engine on the in-process broker, on the shared model: a burst of requests produced at once
 * (images/s from the first send to the last committed, read_committed, answer), and requests at a
 * steady rate (latency and resident memory over the soak).
 */
final class EnginePhase {

  private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(5);

  private final PigeonComponents model;
  private final GenerationWorkload workload;
  private final GenerationSettings settings;
  private final String bootstrap;
  private final Progress progress;

  EnginePhase(
      PigeonComponents model,
      GenerationWorkload workload,
      GenerationSettings settings,
      String bootstrap,
      Progress progress) {
    this.model = model;
    this.workload = workload;
    this.settings = settings;
    this.bootstrap = bootstrap;
    this.progress = progress;
  }

  /** A started engine on the shared model with batching B, D (B = 1: per record). */
  PigeonEngine start(String app, Path state, int b, int d) throws Exception {
    Map<String, String> m = new HashMap<>();
    m.put("bootstrap.servers", bootstrap);
    m.put("application.id", app);
    m.put("state.dir", state.resolve(app).toString());
    m.put("num.stream.threads", Integer.toString(settings.streamThreads()));
    m.put("pigeon.topics.partitions", Integer.toString(settings.partitions()));
    m.put("pigeon.model.dir", settings.modelDir().toString());
    m.put("pigeon.batch.max.requests", Integer.toString(b));
    m.put("pigeon.batch.max.delay.ms", Integer.toString(d));
    EngineConfig config = EngineConfig.of(m);
    progress.line("%s: starting, warming up (B=%d, D=%d ms)", app, b, d);
    PigeonEngine engine =
        new PigeonEngine(
            config,
            new EngineComponents(model.tokenizer(), model, new Unowned(model), model.scorer()));
    try {
      try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
        admin.ensureTopics(engine.topicSpecs());
      }
      engine.start();
      return engine;
    } catch (Exception | Error e) {
      engine.close();
      throw e;
    }
  }

  /** The workload's catalog items and users' likes to the topics, then {@link #awaitReady}. */
  void seed(PigeonEngine engine, int warmUp) throws Exception {
    try (TopicProducer producer = TopicProducer.connect(bootstrap, 0)) {
      workload.seed(producer, engine.topics());
    }
    awaitReady(engine, warmUp);
  }

  /** Waits for RUNNING, the whole catalog and every user's history, then warms up. */
  void awaitReady(PigeonEngine engine, int warmUp) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    String last = workload.lastItemId();
    while (true) {
      try {
        ReadOnlyKeyValueStore<String, UserHistory> h = engine.historyStore();
        if (engine.isReady()
            && engine.catalogStore().get(last) != null
            && workload.users().stream()
                .allMatch(u -> h.get(u) != null && h.get(u).getPositives().size() >= 1)) {
          break;
        }
      } catch (RuntimeException notQueryableYet) {
        // starting or rebalancing
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the engine did not load the catalog and histories in 3 min");
      }
      Thread.sleep(100);
    }
    progress.line(
        "engine RUNNING with %d catalog items and %d histories",
        workload.items(), workload.users().size());
    // as many as will be measured: the JIT compiles the engine's and Kafka's paths meanwhile (its
    // compiler threads would otherwise take a third of a core from the measured run)
    burst(engine, "warm_up", warmUp, null);
  }

  /**
   * A {@code burst} measured: its requests and answers, the engine's meters over it ({@link
   * EngineMeters}) and {@code engine_images_per_s_<label>}.
   *
   * @return images/s from the first send to the last answer
   */
  double measuredBurst(PigeonEngine engine, String label, int n, BenchResults results)
      throws Exception {
    EngineMeters before = EngineMeters.of(engine.meterRegistry());
    long t0 = System.nanoTime();
    double rate = burst(engine, label, n, results);
    EngineMeters.of(engine.meterRegistry())
        .minus(before)
        .report(results, label, System.nanoTime() - t0, settings.streamThreads());
    results.add("engine_images_per_s_" + label, rate, "images/s");
    return rate;
  }

  /**
   * Sends {@code n} requests at once and waits for their committed answers.
   *
   * @return images/s from the first send to the last answer
   */
  private double burst(PigeonEngine engine, String label, int n, BenchResults results)
      throws Exception {
    Topics topics = engine.topics();
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    Random rnd = new Random(label.hashCode());
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      ids[i] = label + "-" + i;
      records.add(workload.request(topics, ids[i], rnd));
    }
    try (AnswerCollector answers =
            new AnswerCollector(bootstrap, topics.generated, settings.partitions(), () -> {});
        TopicProducer producer = TopicProducer.connect(bootstrap, 0)) {
      answers.start();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        answers.expect(ids[i], System.nanoTime());
        producer.send(records.get(i));
      }
      producer.flush();
      if (!answers.awaitCount(n, ANSWER_TIMEOUT)) {
        throw new IllegalStateException(
            label + ": only " + answers.count() + " of " + n + " requests answered");
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double rate = n / seconds;
      long ok = answers.answers().stream().filter(a -> a.image().getStatus() == Status.OK).count();
      progress.line(
          "%s: %d requests answered in %.2f s = %.1f images/s (%d OK)",
          label, n, seconds, rate, ok);
      if (results != null) {
        results.add("engine_requests_" + label, n, "count");
        results.add("engine_ok_" + label, ok, "count");
      }
      return rate;
    }
  }

  /** The soak's samples: each request's latency (ms), and resident memory once a second. */
  record Soak(List<Double> latenciesMs, List<Double> seconds, List<Double> residentMiB) {}

  /** Latency and memory: requests at {@code rate} per second for the soak's seconds. */
  Soak soak(PigeonEngine engine, double rate, BenchResults results) throws Exception {
    Topics topics = engine.topics();
    int soakSeconds = settings.soakSeconds();
    int n = (int) Math.max(1, Math.round(rate * soakSeconds));
    var waitTimer = engine.meterRegistry().get("pigeon.queue.wait").timer();
    long waitsBefore = waitTimer.count();
    double waitBeforeMs = waitTimer.totalTime(TimeUnit.MILLISECONDS);
    progress.line(
        "soak: %d requests at %.1f/s (half the batched throughput) for %d s", n, rate, soakSeconds);
    Random rnd = new Random(11);
    List<Double> rss = new ArrayList<>();
    List<Double> rssAt = new ArrayList<>();
    List<Double> latencies;
    try (AnswerCollector answers =
            new AnswerCollector(bootstrap, topics.generated, settings.partitions(), () -> {});
        TopicProducer producer = TopicProducer.connect(bootstrap, 0)) {
      answers.start();
      long t0 = System.nanoTime();
      long nextSample = t0;
      for (int i = 0; i < n; i++) {
        long due = t0 + (long) (i * 1e9 / rate);
        long now;
        while ((now = System.nanoTime()) < due) {
          Thread.sleep(Math.max(0, Math.min(5, (due - now) / 1_000_000)), 0);
        }
        if (now >= nextSample) {
          rss.add(ProcessMemory.residentMiB());
          rssAt.add((now - t0) / 1e9);
          nextSample += 1_000_000_000L;
        }
        String id = "soak-" + i;
        ProducerRecord<String, byte[]> r = workload.request(topics, id, rnd);
        answers.expect(id, System.nanoTime());
        producer.send(r);
      }
      producer.flush();
      if (!answers.awaitCount(n, ANSWER_TIMEOUT)) {
        throw new IllegalStateException("soak: only " + answers.count() + " of " + n + " answered");
      }
      rss.add(ProcessMemory.residentMiB());
      rssAt.add((System.nanoTime() - t0) / 1e9);
      latencies = answers.answers().stream().map(AnswerCollector.Answer::endToEndMs).toList();
      Percentiles e2e = new Percentiles(latencies);
      results.add("latency_rate", rate, "requests/s");
      results.add("latency_requests", n, "count");
      for (int pct : new int[] {50, 95, 99}) {
        results.add("latency_p" + pct, e2e.at(pct), "ms");
      }
    }
    var wait = engine.meterRegistry().get("pigeon.queue.wait").timer();
    double waitedMs = wait.totalTime(TimeUnit.MILLISECONDS) - waitBeforeMs;
    results.add("queue_wait_mean", waitedMs / Math.max(1, wait.count() - waitsBefore), "ms");
    int q = Math.max(1, rss.size() / 4);
    double early = rss.subList(0, q).stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double late =
        rss.subList(rss.size() - q, rss.size()).stream()
            .mapToDouble(Double::doubleValue)
            .average()
            .orElse(0);
    results.add("soak_seconds", soakSeconds, "s");
    results.add("rss_first_quarter", early, "MiB");
    results.add("rss_last_quarter", late, "MiB");
    results.add("rss_growth", late - early, "MiB");
    progress.line(
        "soak: p50 %.0f ms, p99 %.0f ms; resident memory %.0f -> %.0f MiB",
        results.value("latency_p50"), results.value("latency_p99"), early, late);
    return new Soak(latencies, rssAt, rss);
  }

  /** The shared model behind an engine that must not close it (it is closed at the end). */
  private record Unowned(PigeonComponents model) implements ImageGenerator {
    @Override
    public String modelVersion() {
      return model.modelVersion();
    }

    @Override
    public List<Candidate> generate(GenerationContext context) {
      return model.generate(context);
    }

    @Override
    public List<List<Candidate>> generateAll(List<GenerationContext> contexts) {
      return model.generateAll(contexts);
    }

    @Override
    public double warmUp(int maxRows) {
      return model.warmUp(maxRows);
    }

    @Override
    public void close() {}
  }
}
