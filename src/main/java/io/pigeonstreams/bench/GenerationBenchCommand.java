package io.pigeonstreams.bench;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.HistoryMasker;
import io.pigeonstreams.generate.MaskedHistory;
import io.pigeonstreams.generate.pigeon.PigeonComponents;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.kafka.TopicAdmin;
import io.pigeonstreams.model.Devices;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.AnswerCollector;
import io.pigeonstreams.workload.CommittedOffsets;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pigeon-streams bench generation}: the generation path against its limit, in one process
 * and one run, on an in-process broker, with the committed Pigeon model loaded once and shared by
 * every phase (as in one long-running engine: the JIT and the scorer's caches warm up once). The
 * workload: 1,500 catalog items (300 emoji in 5 styles), 200 users with 5 likes in one style,
 * requests for a random user and a random catalog reference, one candidate each (one request is one
 * image).
 *
 * <ol>
 *   <li>the raw model: images/s of the work the engine does per request (mask pass, generation,
 *       decoding, scoring, PNG encoding) called directly, without Kafka, at batch sizes 1, 2, 4, …,
 *       64, after a round over every catalog item; and of generation and decoding alone;
 *   <li>the engine, micro-batched: after as many warm-up requests, a burst produced at once,
 *       images/s from the first send to the last committed (read_committed) answer; the share of
 *       that time the stream thread spent in the model, from the engine's own meters;
 *   <li>the engine answering each request alone (B = 1, what the known Kafka Streams examples do),
 *       the same way, in a fresh engine on the same model;
 *   <li>request → committed answer latency with requests sent at half the batched throughput (open
 *       loop) for {@code --soak-seconds}, with the process's resident memory sampled each second:
 *       does it stay flat?
 * </ol>
 *
 * {@code engine_efficiency} compares the batched engine with the raw model at the engine's mean
 * batch size (interpolated between the measured powers of two). A benchmark, not a test: it reports
 * numbers and fails only when the engine does not answer.
 */
@Command(
    name = "generation",
    mixinStandardHelpOptions = true,
    description = {
      "Generation throughput and latency: the raw model per batch size, the engine batched and"
          + " per record, latency at half the throughput, memory over a longer run. Prints a table"
          + " and writes OUT/bench.csv (name,value,unit)."
    })
public final class GenerationBenchCommand implements Callable<Integer> {

  static final String CSV_NAME = "bench.csv";
  private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(5);

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Option(
      names = "--requests",
      defaultValue = "1500",
      description = "Requests in the batched burst (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(
      names = "--per-record-requests",
      defaultValue = "300",
      description = "Requests in the per-record burst (default: ${DEFAULT-VALUE}).")
  int perRecordRequests;

  @Option(
      names = "--soak-seconds",
      defaultValue = "60",
      description =
          "How long requests are sent at half the throughput, for latency and memory"
              + " (default: ${DEFAULT-VALUE}).")
  int soakSeconds;

  @Option(
      names = "--batch",
      defaultValue = "32",
      description =
          "B, pigeon.batch.max.requests of the batched engine (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--delay-ms",
      defaultValue = "50",
      description =
          "D, pigeon.batch.max.delay.ms of the batched engine (default: ${DEFAULT-VALUE}).")
  int delayMs;

  @Option(
      names = "--partitions",
      defaultValue = "3",
      description = "Partitions of the engine's topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--model-threads",
      defaultValue = "0",
      description =
          "PyTorch intra-op threads, as pigeon.model.threads (0: PyTorch's default, one per core;"
              + " default: ${DEFAULT-VALUE}).")
  int modelThreads;

  @Option(
      names = "--emoji",
      defaultValue = "300",
      description =
          "Emoji in the catalog, each in every style (default: ${DEFAULT-VALUE}, 1,500 items).")
  int emoji;

  @Option(
      names = "--raw-images",
      defaultValue = "384",
      description = "Images per batch size in the raw model's timing (default: ${DEFAULT-VALUE}).")
  int rawImages;

  @Option(
      names = "--stream-threads",
      defaultValue = "1",
      description =
          "num.stream.threads of the engines; the raw model is then called from as many threads"
              + " at once (default: ${DEFAULT-VALUE}).")
  int streamThreads;

  @Option(
      names = "--model",
      defaultValue = "models/pigeon",
      description = "Model folder (default: ${DEFAULT-VALUE}).")
  Path modelDir;

  @Option(
      names = "--data",
      defaultValue = "data",
      description = "Dataset folder (default: ${DEFAULT-VALUE}).")
  Path data;

  private final PrintStream log = System.out;
  private final long started = System.nanoTime();
  private StickerDataset ds;
  private static final int USERS = 200;
  private static final int HISTORY = 5;
  private final List<String> itemIds = new ArrayList<>();
  private final List<float[]> itemImages = new ArrayList<>();
  private final List<String> itemCaptions = new ArrayList<>();
  private final List<String> users = new ArrayList<>();
  private final List<int[]> likes = new ArrayList<>();
  private List<int[]> itemTokens;

  @Override
  public Integer call() throws Exception {
    if (requests < 1
        || perRecordRequests < 1
        || soakSeconds < 1
        || batch < 1
        || delayMs < 0
        || streamThreads < 1
        || emoji < 1
        || rawImages < 1
        || modelThreads < 0) {
      throw new IllegalArgumentException(
          "--requests, --per-record-requests, --soak-seconds, --batch and --stream-threads must"
              + " be >= 1, --delay-ms and --model-threads >= 0");
    }
    ds = StickerDataset.load(data);
    Files.createDirectories(out);
    io.pigeonstreams.model.Devices.threads(modelThreads);
    BenchResults results = new BenchResults();
    results.add("cores", Runtime.getRuntime().availableProcessors(), "count");
    results.add("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024), "MiB");
    results.add("batch_max_requests", batch, "count");
    results.add("batch_max_delay", delayMs, "ms");
    results.add("partitions", partitions, "count");
    results.add("model_threads", modelThreads, "count");
    results.add("stream_threads", streamThreads, "count");
    workload();
    progress("loading %s (one model for every phase, as in one long-running engine)", modelDir);
    try (PigeonComponents model =
        PigeonComponents.load(modelDir, "pigeon", HISTORY, Devices.parse("auto"))) {
      run(model, results);
    }
    double meanBatch = results.value("engine_mean_batch_requests_batched");
    // the raw model just before and just after the batched engine: the machine's speed drifts
    double before = rawAt(results, meanBatch, "");
    double after = rawAt(results, meanBatch, "_after");
    double raw = (before + after) / 2;
    results.add("model_images_per_s_at_engine_batch_before", before, "images/s");
    results.add("model_images_per_s_at_engine_batch_after", after, "images/s");
    results.add("model_images_per_s_at_engine_batch", raw, "images/s");
    results.add("engine_efficiency", results.value("engine_images_per_s_batched") / raw, "ratio");
    results.add(
        "batching_gain",
        results.value("engine_images_per_s_batched")
            / results.value("engine_images_per_s_per_record"),
        "ratio");
    results.add("peak_rss", ModelBenchCommand.peakResidentMiB(), "MiB");
    Path csv = out.resolve(CSV_NAME);
    results.writeCsv(csv);
    log.println();
    log.print(table(results));
    log.println("CSV: " + csv);
    return 0;
  }

  private void run(PigeonComponents model, BenchResults results) throws Exception {
    rawModel(model, results, List.of(1, 2, 4, 8, 16, 32, 64), "");
    Path state = out.resolve("state");
    HistoryBench.deleteRecursively(state);
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      String bootstrap = kafka.bootstrapServers();
      progress("broker up at %s", bootstrap);
      double batched;
      try (PigeonEngine engine =
          engine(model, bootstrap, "bench-gen-batched", state, batch, delayMs)) {
        seed(engine, bootstrap);
        Snapshot before = Snapshot.of(engine);
        long t0 = System.nanoTime();
        batched = burst(engine, bootstrap, "batched", requests, results);
        Snapshot.of(engine)
            .minus(before)
            .report(results, "batched", System.nanoTime() - t0, streamThreads);
        results.add("engine_images_per_s_batched", batched, "images/s");
        int lo =
            Integer.highestOneBit(
                (int) Math.max(1, results.value("engine_mean_batch_requests_batched")));
        progress("raw model again, at the batch sizes around the engine's mean batch");
        rawModel(model, results, lo >= 64 ? List.of(64) : List.of(lo, lo * 2), "_after");
        soak(engine, bootstrap, 0.5 * batched, results);
      }
      try (CommittedOffsets offsets = new CommittedOffsets(bootstrap)) {
        // the fresh engine below reads its inputs from the start: drop the requests answered above
        offsets.truncate(List.of(Topics.REQUESTS_NAME), partitions);
      }
      try (PigeonEngine engine = engine(model, bootstrap, "bench-gen-per-record", state, 1, 0)) {
        awaitReady(engine, bootstrap, perRecordRequests);
        Snapshot before = Snapshot.of(engine);
        long t0 = System.nanoTime();
        double perRecord = burst(engine, bootstrap, "per_record", perRecordRequests, results);
        Snapshot.of(engine)
            .minus(before)
            .report(results, "per_record", System.nanoTime() - t0, streamThreads);
        results.add("engine_images_per_s_per_record", perRecord, "images/s");
      }
    }
  }

  /**
   * The raw model's images/s at a (mean) batch size: interpolated between the measured powers of
   * two on a log2 scale.
   */
  static double rawAt(BenchResults results, double batchSize, String suffix) {
    double x = Math.max(1, Math.min(64, batchSize));
    int lo = Integer.highestOneBit((int) Math.floor(x));
    int hi = Math.min(64, lo * 2);
    double a = results.value("model_images_per_s_b" + lo + suffix);
    if (hi == lo || x == lo) {
      return a;
    }
    double t = (Math.log(x) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
    return a + t * (results.value("model_images_per_s_b" + hi + suffix) - a);
  }

  // --- 1. the raw model -------------------------------------------------------------------------

  /** The users (style, 5 liked items) and the catalog items the engine is seeded with. */
  private void workload() {
    int emoji = Math.min(this.emoji, ds.emojiCount());
    for (int e = 0; e < emoji; e++) {
      for (int st = 0; st < ds.styleCount(); st++) {
        itemIds.add(StickerDataset.STYLES.get(st) + "/" + ds.emoji().get(e).id());
        itemImages.add(ds.image(e, st));
        itemCaptions.add(ds.emoji().get(e).name());
      }
    }
    Random rnd = new Random(7);
    for (int u = 0; u < USERS; u++) {
      users.add(String.format(Locale.ROOT, "user-%04d", u));
      int style = rnd.nextInt(ds.styleCount());
      int[] liked = new int[HISTORY];
      for (int n = 0; n < HISTORY; n++) {
        liked[n] = rnd.nextInt(emoji) * ds.styleCount() + style;
      }
      likes.add(liked);
    }
  }

  /**
   * The model work of requests drawn as the engine's are (a random user, a random catalog
   * reference), called directly: a first round over every catalog item warms the JIT and the
   * scorer's caches up as the engine's own traffic would, then each batch size is timed.
   */
  private void rawModel(
      PigeonComponents p, BenchResults results, List<Integer> sizes, String suffix)
      throws Exception {
    if (itemTokens == null) {
      itemTokens = p.model().tokenizer().tokenize(itemImages);
    }
    Random rnd = new Random(42 + suffix.length());
    List<Integer> everyItem = new ArrayList<>();
    for (int i = 0; suffix.isEmpty() && i < itemIds.size(); i++) {
      everyItem.add(i);
    }
    for (int from = 0; from < everyItem.size(); from += 64) {
      modelPass(
          p,
          requests(
              everyItem.subList(from, Math.min(everyItem.size(), from + 64)), itemTokens, rnd));
      // (the first round: not timed)
    }
    log.printf(
        Locale.ROOT,
        "batch  model images/s  generate+decode images/s   (%d caller thread(s), as the engine's"
            + " stream threads)%n",
        streamThreads);
    for (int b : sizes) {
      int size = b;
      int calls = Math.max(3, rawImages / b);
      long start = System.nanoTime();
      List<java.util.concurrent.Future<long[]>> callers = new ArrayList<>();
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(streamThreads);
      for (int t = 0; t < streamThreads; t++) {
        Random r = new Random(42 + t);
        callers.add(
            pool.submit(
                () -> {
                  long[] stages = new long[4];
                  for (int c = 0; c < calls; c++) {
                    List<Integer> refs = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                      refs.add(r.nextInt(itemIds.size()));
                    }
                    long[] pass = modelPass(p, requests(refs, itemTokens, r));
                    for (int k = 0; k < 4; k++) {
                      stages[k] += pass[k];
                    }
                  }
                  return stages;
                }));
      }
      long[] stages = new long[4];
      try {
        for (var caller : callers) {
          long[] c = caller.get();
          for (int k = 0; k < 4; k++) {
            stages[k] += c[k];
          }
        }
      } finally {
        pool.shutdown();
      }
      double images = (double) calls * b * streamThreads;
      double all = images / ((System.nanoTime() - start) / 1e9);
      double genOnly = images / (stages[1] / 1e9 / streamThreads);
      results.add("model_images_per_s_b" + b + suffix, all, "images/s");
      results.add("model_generate_images_per_s_b" + b + suffix, genOnly, "images/s");
      String[] names = {"mask", "generate", "score", "publish"};
      for (int k = 0; k < 4; k++) {
        results.add(
            "model_" + names[k] + "_ms_per_image_b" + b + suffix, stages[k] / 1e6 / images, "ms");
      }
      log.printf(Locale.ROOT, "%5d  %16.1f  %24.1f%n", b, all, genOnly);
    }
  }

  /** One request per reference, each for a random user. */
  private List<HistoryMasker.Task> requests(
      List<Integer> references, List<int[]> tokens, Random rnd) {
    List<HistoryMasker.Task> tasks = new ArrayList<>();
    for (int ref : references) {
      List<HistoryEntry> history = new ArrayList<>();
      for (int item : likes.get(rnd.nextInt(users.size()))) {
        history.add(new HistoryEntry(itemIds.get(item), itemImages.get(item), tokens.get(item)));
      }
      tasks.add(new HistoryMasker.Task(history, 0.2, itemImages.get(ref), tokens.get(ref)));
    }
    return tasks;
  }

  /**
   * Mask, generate (one candidate at alpha_r 0.5), decode, score, encode as PNG.
   *
   * @return ns spent masking, generating, scoring and encoding
   */
  private long[] modelPass(PigeonComponents p, List<HistoryMasker.Task> t) {
    long t0 = System.nanoTime();
    List<MaskedHistory> kept = p.keepAll(t);
    List<GenerationContext> contexts = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      contexts.add(
          new GenerationContext(
              "r" + i,
              kept.get(i),
              t.get(i).reference(),
              t.get(i).referenceTokens(),
              "",
              List.of(0.5)));
    }
    long t1 = System.nanoTime();
    List<List<io.pigeonstreams.generate.Candidate>> candidates = p.generateAll(contexts);
    long t2 = System.nanoTime();
    List<float[]> images = new ArrayList<>();
    List<List<float[]>> histories = new ArrayList<>();
    List<float[]> references = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      images.add(candidates.get(i).get(0).image());
      histories.add(t.get(i).history().stream().map(HistoryEntry::image).toList());
      references.add(t.get(i).reference());
    }
    p.scorer().score(images, histories, references);
    long t3 = System.nanoTime();
    for (float[] image : images) {
      StickerImage.toPng(image); // as the engine publishes it
    }
    return new long[] {t1 - t0, t2 - t1, t3 - t2, System.nanoTime() - t3};
  }

  /** The shared model behind an engine that must not close it (it is closed at the end). */
  private record Unowned(PigeonComponents model)
      implements io.pigeonstreams.generate.ImageGenerator {
    @Override
    public String modelVersion() {
      return model.modelVersion();
    }

    @Override
    public List<io.pigeonstreams.generate.Candidate> generate(GenerationContext context) {
      return model.generate(context);
    }

    @Override
    public List<List<io.pigeonstreams.generate.Candidate>> generateAll(
        List<GenerationContext> contexts) {
      return model.generateAll(contexts);
    }

    @Override
    public double warmUp(int maxRows) {
      return model.warmUp(maxRows);
    }

    @Override
    public void close() {}
  }

  // --- 2./3. the engine -------------------------------------------------------------------------

  private PigeonEngine engine(
      PigeonComponents model, String bootstrap, String app, Path state, int b, int d)
      throws Exception {
    Map<String, String> m = new HashMap<>();
    m.put("bootstrap.servers", bootstrap);
    m.put("application.id", app);
    m.put("state.dir", state.resolve(app).toString());
    m.put("num.stream.threads", Integer.toString(streamThreads));
    m.put("pigeon.topics.partitions", Integer.toString(partitions));
    m.put("pigeon.model.dir", modelDir.toString());
    m.put("pigeon.batch.max.requests", Integer.toString(b));
    m.put("pigeon.batch.max.delay.ms", Integer.toString(d));
    EngineConfig config = EngineConfig.of(m);
    progress("%s: starting, warming up (B=%d, D=%d ms)", app, b, d);
    PigeonEngine engine =
        new PigeonEngine(
            config,
            new EngineComponents(model.tokenizer(), model, new Unowned(model), model.scorer()));
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
      admin.ensureTopics(engine.topicSpecs());
    }
    engine.start();
    return engine;
  }

  /** The workload's catalog items (tokenized by the engine) and users' likes, to the topics. */
  private void seed(PigeonEngine engine, String bootstrap) throws Exception {
    Topics topics = engine.topics();
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
      for (int i = 0; i < itemIds.size(); i++) {
        String id = itemIds.get(i);
        Item item =
            Item.newBuilder()
                .setItemId(id)
                .setImage(ByteBuffer.wrap(StickerImage.toPng(itemImages.get(i))))
                .setCaption(itemCaptions.get(i))
                .setCategory("")
                .setStyle(id.substring(0, id.indexOf('/')))
                .setCreatedAt(Instant.now())
                .build();
        producer.send(
            new ProducerRecord<>(
                topics.items.name(),
                id,
                topics.items.valueSerde().serializer().serialize(topics.items.name(), item)));
      }
      long ts = System.currentTimeMillis() - 10_000;
      for (int u = 0; u < users.size(); u++) {
        for (int item : likes.get(u)) {
          Interaction like =
              Interaction.newBuilder()
                  .setUserId(users.get(u))
                  .setItemId(itemIds.get(item))
                  .setAction(Action.LIKE)
                  .setTimestamp(Instant.ofEpochMilli(ts++))
                  .build();
          producer.send(
              new ProducerRecord<>(
                  topics.interactions.name(),
                  users.get(u),
                  topics
                      .interactions
                      .valueSerde()
                      .serializer()
                      .serialize(topics.interactions.name(), like)));
        }
      }
      producer.flush();
    }
    awaitReady(engine, bootstrap, requests);
  }

  /** Waits for RUNNING, the whole catalog and every user's history, then warms up. */
  private void awaitReady(PigeonEngine engine, String bootstrap, int warmUp) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    String last = itemIds.get(itemIds.size() - 1);
    while (true) {
      try {
        ReadOnlyKeyValueStore<String, UserHistory> h = engine.historyStore();
        if (engine.isReady()
            && engine.catalogStore().get(last) != null
            && users.stream()
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
    progress("engine RUNNING with %d catalog items and %d histories", itemIds.size(), users.size());
    // as many as will be measured: the JIT compiles the engine's and Kafka's paths meanwhile (its
    // compiler threads would otherwise take a third of a core from the measured run)
    burst(engine, bootstrap, "warm_up", warmUp, null);
  }

  /**
   * Sends {@code n} requests at once and waits for their committed answers.
   *
   * @return images/s from the first send to the last answer
   */
  private double burst(
      PigeonEngine engine, String bootstrap, String label, int n, BenchResults results)
      throws Exception {
    Topics topics = engine.topics();
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    Random rnd = new Random(label.hashCode());
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      ids[i] = label + "-" + i;
      records.add(request(topics, ids[i], rnd));
    }
    try (AnswerCollector answers =
            new AnswerCollector(bootstrap, topics.generated, partitions, () -> {});
        KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
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
      progress(
          "%s: %d requests answered in %.2f s = %.1f images/s (%d OK)",
          label, n, seconds, rate, ok);
      if (results != null) {
        results.add("engine_requests_" + label, n, "count");
        results.add("engine_ok_" + label, ok, "count");
      }
      return rate;
    }
  }

  // --- 4. latency and memory at half the throughput ---------------------------------------------

  private void soak(PigeonEngine engine, String bootstrap, double rate, BenchResults results)
      throws Exception {
    Topics topics = engine.topics();
    int n = (int) Math.max(1, Math.round(rate * soakSeconds));
    var waitTimer = engine.meterRegistry().get("pigeon.queue.wait").timer();
    long waitsBefore = waitTimer.count();
    double waitBeforeMs = waitTimer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
    progress(
        "soak: %d requests at %.1f/s (half the batched throughput) for %d s", n, rate, soakSeconds);
    Random rnd = new Random(11);
    List<Double> rss = new ArrayList<>();
    try (AnswerCollector answers =
            new AnswerCollector(bootstrap, topics.generated, partitions, () -> {});
        KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
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
          rss.add(ModelBenchCommand.residentMiB());
          nextSample += 1_000_000_000L;
        }
        String id = "soak-" + i;
        ProducerRecord<String, byte[]> r = request(topics, id, rnd);
        answers.expect(id, System.nanoTime());
        producer.send(r);
      }
      producer.flush();
      if (!answers.awaitCount(n, ANSWER_TIMEOUT)) {
        throw new IllegalStateException("soak: only " + answers.count() + " of " + n + " answered");
      }
      rss.add(ModelBenchCommand.residentMiB());
      Percentiles e2e =
          new Percentiles(
              answers.answers().stream().map(AnswerCollector.Answer::endToEndMs).toList());
      results.add("latency_rate", rate, "requests/s");
      results.add("latency_requests", n, "count");
      for (int pct : new int[] {50, 95, 99}) {
        results.add("latency_p" + pct, e2e.at(pct), "ms");
      }
    }
    var wait = engine.meterRegistry().get("pigeon.queue.wait").timer();
    double waitedMs = wait.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS) - waitBeforeMs;
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
    progress(
        "soak: p50 %.0f ms, p99 %.0f ms; resident memory %.0f -> %.0f MiB",
        results.value("latency_p50"), results.value("latency_p99"), early, late);
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** The engine's batch meters at one moment: what a phase adds is the difference of two. */
  private record Snapshot(
      long batches,
      double requests,
      double images,
      double inferenceMs,
      Map<String, Double> stageMs) {
    static final List<String> STAGES = List.of("prepare", "mask", "generate", "score", "publish");

    static Snapshot of(PigeonEngine engine) {
      var r = engine.meterRegistry();
      var size = r.get("pigeon.batch.requests").summary();
      Map<String, Double> stages = new HashMap<>();
      for (String stage : STAGES) {
        var t = r.find("pigeon.stage").tag("stage", stage).timer();
        stages.put(stage, t == null ? 0 : t.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS));
      }
      return new Snapshot(
          size.count(),
          size.totalAmount(),
          r.get("pigeon.batch.images").summary().totalAmount(),
          r.get("pigeon.inference").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS),
          stages);
    }

    Snapshot minus(Snapshot o) {
      Map<String, Double> stages = new HashMap<>();
      stageMs.forEach((k, v) -> stages.put(k, v - o.stageMs.get(k)));
      return new Snapshot(
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
        results.add(
            "engine_" + stage + "_ms_per_image_" + phase, stageMs.get(stage) / images, "ms");
      }
    }
  }

  private ProducerRecord<String, byte[]> request(Topics topics, String id, Random rnd) {
    String user = users.get(rnd.nextInt(users.size()));
    GenerationRequest request =
        GenerationRequest.newBuilder()
            .setRequestId(id)
            .setUserId(user)
            .setReferenceItemId(itemIds.get(rnd.nextInt(itemIds.size())))
            .setTimestamp(Instant.now())
            .build();
    return new ProducerRecord<>(
        topics.requests.name(),
        user,
        topics.requests.valueSerde().serializer().serialize(topics.requests.name(), request));
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private void progress(String format, Object... args) {
    log.printf(
        Locale.ROOT,
        "[%6.1f s] %s%n",
        (System.nanoTime() - started) / 1e9,
        String.format(Locale.ROOT, format, args));
    log.flush();
  }

  static String table(BenchResults r) {
    StringBuilder sb = new StringBuilder();
    java.util.Formatter f = new java.util.Formatter(sb, Locale.ROOT);
    int b = (int) r.value("batch_max_requests");
    f.format(
        "Generation on the in-process broker: %d cores, %d partitions, %d stream thread(s), PyTorch"
            + " threads %s, exactly_once_v2, 1 candidate per request%n",
        (int) r.value("cores"),
        (int) r.value("partitions"),
        (int) r.value("stream_threads"),
        r.value("model_threads") == 0
            ? "default"
            : Integer.toString((int) r.value("model_threads")));
    f.format(
        "raw model (mask + generate + decode + score + PNG), images/s: batch 1 %.1f, batch 32"
            + " %.1f; at the engine's mean batch (%.1f) %.1f before and %.1f after the engine%n",
        r.value("model_images_per_s_b1"),
        r.value("model_images_per_s_b32"),
        r.value("engine_mean_batch_requests_batched"),
        r.value("model_images_per_s_at_engine_batch_before"),
        r.value("model_images_per_s_at_engine_batch_after"));
    f.format(
        "engine, micro-batched (B=%d, D=%d ms, mean batch %.1f): %.1f images/s"
            + " (model inside: %.1f images/s, %.0f%% of the time)%n",
        b,
        (int) r.value("batch_max_delay"),
        r.value("engine_mean_batch_requests_batched"),
        r.value("engine_images_per_s_batched"),
        r.value("engine_model_images_per_s_batched"),
        100 * r.value("engine_model_time_share_batched"));
    f.format(
        "engine, per record (B=1): %.1f images/s (model inside: %.1f images/s, %.0f%% of the"
            + " time)%n",
        r.value("engine_images_per_s_per_record"),
        r.value("engine_model_images_per_s_per_record"),
        100 * r.value("engine_model_time_share_per_record"));
    int near =
        Integer.highestOneBit((int) Math.max(1, r.value("engine_mean_batch_requests_batched")));
    f.format(
        "ms per image by stage: %-9s %8s %8s %8s %8s %8s%n",
        "", "prepare", "mask", "generate", "score", "publish");
    f.format(
        "  raw model, batch %-3d         %8s %8.2f %8.2f %8.2f %8.2f%n",
        near,
        "-",
        r.value("model_mask_ms_per_image_b" + near),
        r.value("model_generate_ms_per_image_b" + near),
        r.value("model_score_ms_per_image_b" + near),
        r.value("model_publish_ms_per_image_b" + near));
    f.format(
        "  engine, batched              %8.2f %8.2f %8.2f %8.2f %8.2f%n",
        r.value("engine_prepare_ms_per_image_batched"),
        r.value("engine_mask_ms_per_image_batched"),
        r.value("engine_generate_ms_per_image_batched"),
        r.value("engine_score_ms_per_image_batched"),
        r.value("engine_publish_ms_per_image_batched"));
    f.format(
        "engine_efficiency %.2f (target >= 0.9), batching_gain %.2f (target >= 5)%n",
        r.value("engine_efficiency"), r.value("batching_gain"));
    f.format(
        "latency at %.1f requests/s: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms%n",
        r.value("latency_rate"),
        r.value("latency_p50"),
        r.value("latency_p95"),
        r.value("latency_p99"));
    f.format(
        "resident memory over %d s: %.0f -> %.0f MiB (growth %.0f MiB), peak %.0f MiB%n",
        (int) r.value("soak_seconds"),
        r.value("rss_first_quarter"),
        r.value("rss_last_quarter"),
        r.value("rss_growth"),
        r.value("peak_rss"));
    f.flush();
    return sb.toString();
  }
}
