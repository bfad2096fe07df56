package io.pigeonstreams.bench;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.generate.retrieval.PaletteTokenizer;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.kafka.TopicAdmin;
import io.pigeonstreams.personalize.CatalogTokenizer;
import io.pigeonstreams.topology.AvroMapping;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.AnswerCollector;
import io.pigeonstreams.workload.CommittedOffsets;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The engine's history path, measured on a running broker in one process and one run:
 *
 * <ol>
 *   <li>throughput: all interactions are in the topic before anything consumes them; the engine
 *       (one stream thread, exactly-once) and then a plain exactly-once consume→produce pipe each
 *       read the whole topic, timed from the moment each is ready to process until its consumer
 *       group's committed offsets reach the end offsets (polled every 100 ms with an admin client);
 *   <li>request latency against the history length N: per N a fresh engine, 50 users with full
 *       histories, a few warm-up requests (not measured), then requests with at most 20 awaiting
 *       their answer; the engine's own {@code latencyMs} of every committed answer (request
 *       timestamp = send time) and the client's send→read time of the committed answer.
 * </ol>
 *
 * <p>A benchmark, not a test: it reports numbers and only fails when the engine does not do the
 * work at all.
 */
public final class HistoryBench {

  /** What to run. */
  public record Settings(
      int interactions,
      int users,
      List<Integer> historySizes,
      int requestsPerSize,
      int warmupRequests,
      int latencyUsers,
      int inFlight,
      int partitions,
      long seed) {

    public Settings {
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
    }

    public static Settings defaults() {
      return new Settings(200_000, 2_000, List.of(1, 5, 10, 20), 200, 20, 50, 20, 3, 42L);
    }

    private static void positive(String what, int v) {
      if (v < 1) {
        throw new IllegalArgumentException(what + " must be >= 1, got " + v);
      }
    }
  }

  static final String THROUGHPUT_APP = "bench-history-throughput";
  static final String PIPE_GROUP = "bench-history-pipe";
  static final String PIPE_TOPIC = "bench-interactions-copy";
  static final String LATENCY_APP = "bench-history-latency-n";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

  private final Settings settings;
  private final StickerDataset dataset;
  private final Path out;
  private final String bootstrapServers;
  private final PrintStream log;
  private final List<String> itemIds = new ArrayList<>();
  private final long started = System.nanoTime();

  public HistoryBench(
      Settings settings,
      StickerDataset dataset,
      Path out,
      String bootstrapServers,
      PrintStream log) {
    this.settings = settings;
    this.dataset = dataset;
    this.out = out;
    this.bootstrapServers = bootstrapServers;
    this.log = log;
    for (int e = 0; e < dataset.emojiCount(); e++) {
      for (int s = 0; s < dataset.styleCount(); s++) {
        itemIds.add(itemId(e, s));
      }
    }
  }

  /** Runs everything and returns the measurements. */
  public BenchResults run() throws Exception {
    Path state = out.resolve("state");
    deleteRecursively(state); // fresh state folders: the broker is new too
    BenchResults results = new BenchResults();
    Runtime rt = Runtime.getRuntime();
    results.add("cores", rt.availableProcessors(), "count");
    results.add("max_heap_mb", rt.maxMemory() / (1024 * 1024), "MiB");
    results.add("interactions", settings.interactions(), "count");
    results.add("users", settings.users(), "count");
    results.add("partitions", settings.partitions(), "count");
    try (CommittedOffsets offsets = new CommittedOffsets(bootstrapServers)) {
      throughput(results, offsets, state);
      latencies(results, offsets, state);
    }
    progress("done");
    return results;
  }

  // --- 1. throughput: engine vs plain pipe -----------------------------------------------------

  private void throughput(BenchResults results, CommittedOffsets offsets, Path state)
      throws Exception {
    EngineConfig config = engineConfig(THROUGHPUT_APP, state.resolve("throughput"), null);
    int p = settings.partitions();
    Map<TopicPartition, Long> end;
    Set<String> activeUsers;
    try (PigeonEngine engine = new PigeonEngine(config, components())) {
      Topics topics = engine.topics();
      String topic = topics.interactions.name();
      try (TopicAdmin admin = TopicAdmin.connect(bootstrapServers)) {
        admin.ensureTopics(engine.topicSpecs());
        admin.ensureTopics(List.of(TopicAdmin.TopicSpec.of(PIPE_TOPIC, p, 1)));
      }
      results.add("throughput_history_size", config.getInt("pigeon.history.size"), "items");

      progress(
          "serializing %,d interactions of %,d users over %,d catalog items",
          settings.interactions(), settings.users(), itemIds.size());
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(settings.interactions());
      activeUsers = interactions(topics, records);
      progress("producing them to %s (%d partitions) before anything consumes", topic, p);
      long t0 = System.nanoTime();
      produceAll(records);
      double loadS = seconds(System.nanoTime() - t0);
      records.clear();
      results.add("load_records_per_s", settings.interactions() / loadS, "1/s");
      end = offsets.endOffsets(topic, p);
      long total = end.values().stream().mapToLong(Long::longValue).sum();
      if (total != settings.interactions()) {
        throw new IllegalStateException(
            topic + " holds " + total + " records, expected " + settings.interactions());
      }
      progress("produced in %.1f s (%,.0f records/s)", loadS, settings.interactions() / loadS);

      progress("starting the engine (%s, 1 stream thread, exactly_once_v2)", THROUGHPUT_APP);
      long s0 = System.nanoTime();
      engine.start();
      long ready = awaitRunning(engine);
      progress(
          "engine RUNNING after %.1f s; measuring until it committed all", seconds(ready - s0));
      long done =
          offsets.awaitCaughtUp(
              THROUGHPUT_APP,
              Map.of(),
              end,
              catchUpTimeout(),
              n -> progress("  engine: %,d / %,d committed", n, settings.interactions()),
              () -> false);
      double engineS = seconds(done - ready);
      double engineRate = settings.interactions() / engineS;
      results.add("engine_startup_s", seconds(ready - s0), "s");
      results.add("engine_elapsed_s", engineS, "s");
      results.add("engine_interactions_per_s", engineRate, "1/s");
      progress("engine: %,d interactions in %.2f s = %,.0f/s", total, engineS, engineRate);
      long stored = countHistories(engine);
      if (stored != activeUsers.size()) {
        throw new IllegalStateException(
            "the engine stored " + stored + " histories, expected " + activeUsers.size());
      }
      progress("engine: histories of all %,d users stored; closing it", stored);
    }

    progress(
        "starting the plain pipe (consumer + transactional producer) %s → %s",
        "interactions", PIPE_TOPIC);
    double pipeS;
    long commitMs = config.getInt("commit.interval.ms");
    try (ConsumeProducePipe pipe =
        new ConsumeProducePipe(
            bootstrapServers, PIPE_GROUP, Topics.INTERACTIONS_NAME, PIPE_TOPIC, p, commitMs)) {
      pipe.start(READY_TIMEOUT);
      long done =
          offsets.awaitCaughtUp(
              PIPE_GROUP,
              Map.of(),
              end,
              catchUpTimeout(),
              n -> progress("  pipe: %,d / %,d committed", n, settings.interactions()),
              pipe::failed);
      pipeS = seconds(done - pipe.readyNanos());
    }
    double pipeRate = settings.interactions() / pipeS;
    results.add("pipe_elapsed_s", pipeS, "s");
    results.add("pipe_records_per_s", pipeRate, "1/s");
    double ratio = results.value("engine_interactions_per_s") / pipeRate;
    results.add("engine_to_pipe_ratio", ratio, "ratio");
    progress(
        "pipe: %,d records in %.2f s = %,.0f/s; engine / pipe = %.2f",
        settings.interactions(), pipeS, pipeRate, ratio);
  }

  /** The throughput workload, pre-serialized; returns the users that got any interaction. */
  private Set<String> interactions(Topics topics, List<ProducerRecord<byte[], byte[]>> records) {
    Random rnd = new Random(settings.seed());
    byte[][] userKeys = new byte[settings.users()][];
    for (int u = 0; u < userKeys.length; u++) {
      userKeys[u] = userId("user-", u).getBytes(StandardCharsets.UTF_8);
    }
    // mostly positive actions, some skips and dislikes: every branch of the history policy
    Action[] actions = {
      Action.VIEW,
      Action.VIEW,
      Action.VIEW,
      Action.LIKE,
      Action.LIKE,
      Action.CLICK,
      Action.SHARE,
      Action.SAVE,
      Action.SKIP,
      Action.DISLIKE
    };
    String topic = topics.interactions.name();
    var serializer = topics.interactions.valueSerde().serializer();
    Set<String> active = new HashSet<>();
    long ts = System.currentTimeMillis() - settings.interactions();
    for (int i = 0; i < settings.interactions(); i++) {
      int u = rnd.nextInt(settings.users());
      String user = userId("user-", u);
      active.add(user);
      Interaction interaction =
          Interaction.newBuilder()
              .setUserId(user)
              .setItemId(itemIds.get(rnd.nextInt(itemIds.size())))
              .setAction(actions[rnd.nextInt(actions.length)])
              .setTimestamp(Instant.ofEpochMilli(ts + i))
              .build();
      records.add(
          new ProducerRecord<>(
              topic, null, ts + i, userKeys[u], serializer.serialize(topic, interaction)));
    }
    return active;
  }

  private void produceAll(List<ProducerRecord<byte[], byte[]>> records) {
    Properties p = producerProps();
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(
            r,
            (meta, e) -> {
              if (e != null) {
                failed.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw new IllegalStateException("producing the interactions failed: " + failed.get());
    }
  }

  private static long awaitRunning(PigeonEngine engine) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!engine.isReady()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the engine did not become ready in 60 s");
      }
      Thread.sleep(1);
    }
    return System.nanoTime();
  }

  private static long countHistories(PigeonEngine engine) throws InterruptedException {
    for (int attempt = 0; ; attempt++) {
      try (KeyValueIterator<String, UserHistory> it = engine.historyStore().all()) {
        long n = 0;
        while (it.hasNext()) {
          it.next();
          n++;
        }
        return n;
      } catch (RuntimeException notQueryableYet) {
        if (attempt >= 100) {
          throw notQueryableYet;
        }
        Thread.sleep(100);
      }
    }
  }

  private Duration catchUpTimeout() {
    return Duration.ofSeconds(120 + settings.interactions() / 1_000);
  }

  // --- 2. request latency against the history length -------------------------------------------

  private void latencies(BenchResults results, CommittedOffsets offsets, Path state)
      throws Exception {
    Topics topics = new Topics(engineConfig("any", state, null).asMap());
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
    PaletteTokenizer tokenizer = new PaletteTokenizer();
    int maxSide = EngineConfig.of(Map.of()).getInt("pigeon.request.image.max.side");
    String topic = topics.catalog.name();
    var serializer = topics.catalog.valueSerde().serializer();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int e = 0; e < dataset.emojiCount(); e++) {
        for (int s = 0; s < dataset.styleCount(); s++) {
          String id = itemId(e, s);
          Item item =
              Item.newBuilder()
                  .setItemId(id)
                  .setImage(ByteBuffer.wrap(StickerImage.toPng(dataset.image(e, s))))
                  .setCaption(dataset.emoji().get(e).name())
                  .setCategory(dataset.emoji().get(e).category())
                  .setStyle(StickerDataset.STYLES.get(s))
                  .setCreatedAt(Instant.now())
                  .build();
          CatalogEntry entry =
              AvroMapping.catalogEntry(
                  CatalogTokenizer.entry(AvroMapping.newItem(item), tokenizer, maxSide));
          producer.send(
              new ProducerRecord<>(
                  topic, id.getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, entry)));
        }
      }
      producer.flush();
    }
    progress(
        "catalog: %,d entries written to %s in %.1f s",
        itemIds.size(), topic, seconds(System.nanoTime() - t0));
  }

  private void latency(BenchResults results, CommittedOffsets offsets, Path state, int n)
      throws Exception {
    String app = LATENCY_APP + n;
    EngineConfig config = engineConfig(app, state.resolve("latency-n" + n), n);
    Topics topics = new Topics(config.asMap());
    offsets.truncate(
        List.of(topics.interactions.name(), topics.requests.name()), settings.partitions());
    progress("N=%d: starting a fresh engine (%s, pigeon.history.size=%d)", n, app, n);
    try (PigeonEngine engine = new PigeonEngine(config, components());
        KafkaProducer<String, byte[]> producer = requestProducer()) {
      long s0 = System.nanoTime();
      engine.start();
      if (!engine.awaitReady(READY_TIMEOUT)) {
        throw new IllegalStateException(app + " did not become ready in 60 s");
      }
      awaitCatalog(engine, itemIds.get(itemIds.size() - 1));
      progress(
          "N=%d: engine RUNNING with the catalog after %.1f s", n, seconds(s0, System.nanoTime()));

      // histories: N + 2 distinct positive interactions per user, so each history is full
      Random rnd = new Random(settings.seed() + n);
      String prefix = "n" + n + "-";
      List<String> users = new ArrayList<>();
      Map<String, String> newest = new LinkedHashMap<>();
      long ts = System.currentTimeMillis() - 10_000;
      String itopic = topics.interactions.name();
      for (int u = 0; u < settings.latencyUsers(); u++) {
        String user = userId(prefix + "user-", u);
        users.add(user);
        Set<String> picked = new HashSet<>();
        while (picked.size() < n + 2) {
          String item = itemIds.get(rnd.nextInt(itemIds.size()));
          if (!picked.add(item)) {
            continue;
          }
          Interaction interaction =
              Interaction.newBuilder()
                  .setUserId(user)
                  .setItemId(item)
                  .setAction(picked.size() % 2 == 0 ? Action.LIKE : Action.VIEW)
                  .setTimestamp(Instant.ofEpochMilli(++ts))
                  .build();
          producer.send(
              new ProducerRecord<>(
                  itopic,
                  user,
                  topics.interactions.valueSerde().serializer().serialize(itopic, interaction)));
          newest.put(user, item);
        }
      }
      producer.flush();
      long h0 = System.nanoTime();
      awaitHistories(engine, newest, n);
      progress(
          "N=%d: histories of %d users stored (%d interactions) in %.1f s",
          n, users.size(), users.size() * (n + 2), seconds(h0, System.nanoTime()));

      // requests: a few in flight at a time, timestamped when sent
      List<AnswerCollector.Answer> answers = requests(topics, producer, users, prefix, rnd);
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
        log.printf(
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
      progress(
          "N=%d: %d answers (%d OK); latencyMs p50 %.0f, p95 %.0f, p99 %.0f ms; closing the engine",
          n, answers.size(), ok, inEngine.at(50), inEngine.at(95), inEngine.at(99));
    }
  }

  /**
   * Sends the warm-up requests (not measured: the first requests of a JVM pay for class loading and
   * compilation), then the measured ones; returns the answers to the measured ones.
   */
  private List<AnswerCollector.Answer> requests(
      Topics topics,
      KafkaProducer<String, byte[]> producer,
      List<String> users,
      String prefix,
      Random rnd)
      throws InterruptedException {
    Semaphore slots = new Semaphore(settings.inFlight());
    try (AnswerCollector collector =
        new AnswerCollector(
            bootstrapServers, topics.generated, settings.partitions(), slots::release)) {
      collector.start();
      send(
          topics,
          producer,
          collector,
          slots,
          users,
          prefix + "warmup-",
          settings.warmupRequests(),
          rnd);
      int warm = collector.count();
      send(
          topics,
          producer,
          collector,
          slots,
          users,
          prefix + "req-",
          settings.requestsPerSize(),
          rnd);
      List<AnswerCollector.Answer> all = collector.answers();
      return all.subList(warm, all.size());
    }
  }

  /** Sends {@code count} requests, at most {@code in-flight} unanswered, and awaits the answers. */
  private void send(
      Topics topics,
      KafkaProducer<String, byte[]> producer,
      AnswerCollector collector,
      Semaphore slots,
      List<String> users,
      String idPrefix,
      int count,
      Random rnd)
      throws InterruptedException {
    String rtopic = topics.requests.name();
    var serializer = topics.requests.valueSerde().serializer();
    int before = collector.count();
    for (int i = 0; i < count; i++) {
      if (!slots.tryAcquire(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "no answer within "
                + ANSWER_TIMEOUT.toSeconds()
                + " s ("
                + (collector.count() - before)
                + " of "
                + i
                + " sent answered)");
      }
      String user = users.get(i % users.size());
      String requestId = idPrefix + i;
      GenerationRequest request =
          GenerationRequest.newBuilder()
              .setRequestId(requestId)
              .setUserId(user)
              .setReferenceItemId(itemIds.get(rnd.nextInt(itemIds.size())))
              .setTimestamp(Instant.ofEpochMilli(System.currentTimeMillis()))
              .build();
      byte[] value = serializer.serialize(rtopic, request);
      collector.expect(requestId, System.nanoTime());
      producer.send(new ProducerRecord<>(rtopic, user, value));
    }
    if (!collector.awaitCount(before + count, ANSWER_TIMEOUT)) {
      throw new IllegalStateException(
          "only " + (collector.count() - before) + " of " + count + " requests were answered");
    }
  }

  private static void awaitCatalog(PigeonEngine engine, String lastItem)
      throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (engine.catalogStore().get(lastItem) != null) {
          return;
        }
      } catch (RuntimeException notQueryableYet) {
        // during a rebalance
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the catalog did not reach the engine within 60 s");
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

  // --- the report --------------------------------------------------------------------------------

  /** The results as a table for people. */
  public static String table(BenchResults r, Settings s) {
    StringBuilder sb = new StringBuilder();
    java.util.Formatter f = new java.util.Formatter(sb, Locale.ROOT);
    f.format(
        "History path on the in-process broker: %d partitions, 1 stream thread, exactly_once_v2,"
            + " commit every 100 ms%n",
        (int) r.value("partitions"));
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
    f.format("%-46s %12.2f%n", "engine / pipe", r.value("engine_to_pipe_ratio"));
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

  // --- helpers -----------------------------------------------------------------------------------

  private EngineConfig engineConfig(String applicationId, Path stateDir, Integer historySize) {
    Map<String, String> m = new HashMap<>();
    m.put("bootstrap.servers", bootstrapServers);
    m.put("application.id", applicationId);
    m.put("state.dir", stateDir.toString());
    m.put("num.stream.threads", "1");
    m.put("pigeon.topics.partitions", Integer.toString(settings.partitions()));
    if (historySize != null) {
      m.put("pigeon.history.size", Integer.toString(historySize));
    }
    return EngineConfig.of(m);
  }

  /** What the engine runs with by default. */
  static EngineComponents components() {
    return EngineComponents.retrieval();
  }

  private Properties producerProps() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return p;
  }

  private KafkaProducer<String, byte[]> requestProducer() {
    Properties p = producerProps();
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0); // each request leaves when sent
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private String itemId(int emoji, int style) {
    return StickerDataset.STYLES.get(style) + "/" + dataset.emoji().get(emoji).id();
  }

  private static String userId(String prefix, int u) {
    return prefix + String.format(Locale.ROOT, "%04d", u);
  }

  private void progress(String format, Object... args) {
    log.printf(
        Locale.ROOT,
        "[%6.1f s] %s%n",
        seconds(System.nanoTime() - started),
        String.format(Locale.ROOT, format, args));
    log.flush();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static double seconds(long from, long to) {
    return (to - from) / 1e9;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
