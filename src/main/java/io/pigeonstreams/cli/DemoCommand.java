package io.pigeonstreams.cli;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Benchmark;
import io.pigeonstreams.data.simulation.SimulatedUser;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.topology.Topic;
import io.pigeonstreams.topology.Topics;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "The embedded demo: starts a Kafka broker in-process (KRaft), creates the topics, loads the"
          + " emoji catalog, simulates users producing interactions and requests, runs the engine"
          + " and prints a summary; writes a contact sheet of generated images to --out."
    })
final class DemoCommand implements Callable<Integer> {

  /** Candidates per demo request: the paper's sweep of alpha_r over 0.0, 0.1, ..., 1.0. */
  static final int CANDIDATES = 11;

  @Spec CommandSpec spec;

  @Mixin DataOption data;

  @Option(
      names = "--requests",
      defaultValue = "200",
      description = "Requests to send (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(
      names = "--duration",
      description = "Stop sending after this long (e.g. 30s, 2m), even before --requests.")
  Duration duration;

  @Option(
      names = "--users",
      defaultValue = "40",
      description = "Simulated users (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Simulation seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--noise",
      defaultValue = "0.2",
      description = "Share of each history in another style (default: ${DEFAULT-VALUE}).")
  double noise;

  @Option(
      names = "--out",
      defaultValue = "demo-out",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);

  @Override
  public Integer call() throws Exception {
    if (requests < 1) {
      throw new ParameterException(spec.commandLine(), "--requests must be >= 1, got " + requests);
    }
    SimulationConfig simulation;
    try {
      simulation = SimulationConfig.defaults(seed, noise).withUsers(users);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    java.io.PrintWriter console = spec.commandLine().getOut();
    StickerDataset ds = data.load();
    Benchmark benchmark = new UserSimulator(ds).simulate(simulation);
    Files.createDirectories(out);
    Path state = out.resolve("state"); // fresh each run: the broker is new too
    deleteRecursively(state);

    console.println("Starting Kafka (KRaft, in-process) ...");
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      console.printf(
          Locale.ROOT,
          "Kafka at %s (started in %.1f s)%n",
          kafka.bootstrapServers(),
          kafka.startupTime().toMillis() / 1000.0);
      EngineConfig config =
          EngineConfig.of(
              Map.of(
                  "bootstrap.servers", kafka.bootstrapServers(),
                  "application.id", "pigeon-demo",
                  "state.dir", state.toString()));
      try (PigeonEngine engine = new PigeonEngine(config, EngineComponents.of(config));
          KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
        engine.start();
        if (!engine.awaitReady(Duration.ofSeconds(60))) {
          throw new IllegalStateException("engine did not become ready in 60 s");
        }
        Topics topics = engine.topics();
        console.printf(
            "Engine running (%s); loading %d catalog items ...%n",
            engine.modelVersion(), ds.emojiCount() * ds.styleCount());
        loadCatalog(producer, topics, ds);
        String lastItem = itemId(ds, ds.emojiCount() - 1, ds.styleCount() - 1);
        awaitCatalog(engine, lastItem);

        Workload workload = produceWorkload(producer, topics, ds, benchmark);
        console.printf(
            "Sent %d interactions and %d requests (%d of them invalid on purpose) and %d undecodable records%n",
            workload.interactions, workload.requests.size(), workload.invalid, workload.garbage);

        List<GeneratedImage> answers =
            consume(
                kafka.bootstrapServers(),
                topics.generated.name(),
                topics.generated.valueSerde().deserializer(),
                workload.requests.size());
        int deadLetters = 0;
        for (Topic<String, ?> t : topics.inputs()) {
          deadLetters +=
              consume(
                      kafka.bootstrapServers(),
                      t.deadLetterTopic(),
                      topics.deadLetterSerde.deserializer(),
                      0)
                  .size();
        }
        DemoReport.print(console, workload.requests.size(), answers, deadLetters);
        Path sheet = out.resolve("contact-sheet.png");
        DemoReport.contactSheet(sheet, ds, answers, workload.requests, 12);
        console.println("Contact sheet: " + sheet);
        console.flush();
      }
    }
    return 0;
  }

  /** What was sent: each request and the user it was for. */
  static final class Workload {
    final Map<String, DemoReport.Sent> requests = new LinkedHashMap<>();
    int interactions;
    int invalid;
    int garbage;
  }

  private Workload produceWorkload(
      KafkaProducer<String, byte[]> producer,
      Topics topics,
      StickerDataset ds,
      Benchmark benchmark) {
    Workload w = new Workload();
    long start = System.currentTimeMillis();
    long ts = start;
    int n = benchmark.config().historyLength();
    // users interact and ask in turns: history first, then request/interaction windows
    outer:
    for (int pos = 0; pos < benchmark.config().sequenceLength(); pos++) {
      for (SimulatedUser u : benchmark.users()) {
        if (w.requests.size() >= requests
            || (duration != null && System.currentTimeMillis() - start > duration.toMillis())) {
          break outer;
        }
        var next = u.interactions().get(pos);
        if (pos >= n) {
          // a request for the next item, with the reference in another style than the user's
          int refStyle = (u.preferredStyle() + 1 + (pos % (ds.styleCount() - 1))) % ds.styleCount();
          String requestId = "req-" + u.id() + "-" + pos;
          GenerationRequest request =
              GenerationRequest.newBuilder()
                  .setRequestId(requestId)
                  .setUserId(userId(u))
                  .setReferenceItemId(itemId(ds, next.emoji(), refStyle))
                  // Pigeon's test-time sweep: alpha_r in {0.0, ..., 1.0}, the best published
                  .setCandidates(CANDIDATES)
                  .setTimestamp(Instant.ofEpochMilli(++ts))
                  .build();
          send(producer, topics.requests, userId(u), request);
          w.requests.put(requestId, new DemoReport.Sent(u, next.emoji(), refStyle));
        }
        send(
            producer,
            topics.interactions,
            userId(u),
            Interaction.newBuilder()
                .setUserId(userId(u))
                .setItemId(itemId(ds, next.emoji(), next.style()))
                .setAction(pos % 3 == 0 ? Action.VIEW : Action.LIKE)
                .setTimestamp(Instant.ofEpochMilli(++ts))
                .build());
        w.interactions++;
      }
    }
    // bad input on purpose: what the engine must survive and answer
    SimulatedUser first = benchmark.users().get(0);
    GenerationRequest badAlpha =
        GenerationRequest.newBuilder()
            .setRequestId("req-bad-alpha")
            .setUserId(userId(first))
            .setReferenceItemId(itemId(ds, 0, 0))
            .setAlphaH(1.5)
            .setTimestamp(Instant.ofEpochMilli(++ts))
            .build();
    GenerationRequest unknownRef =
        GenerationRequest.newBuilder(badAlpha)
            .setRequestId("req-unknown-ref")
            .setAlphaH(null)
            .setReferenceItemId("no/such-item")
            .build();
    for (GenerationRequest r : List.of(badAlpha, unknownRef)) {
      send(producer, topics.requests, userId(first), r);
      w.requests.put(r.getRequestId(), new DemoReport.Sent(first, 0, 0));
      w.invalid++;
    }
    producer.send(
        new ProducerRecord<>(topics.interactions.name(), userId(first), new byte[] {0x42}));
    producer.send(
        new ProducerRecord<>(topics.requests.name(), userId(first), new byte[] {0x13, 0x37}));
    w.garbage = 2;
    producer.flush();
    return w;
  }

  private static void loadCatalog(
      KafkaProducer<String, byte[]> producer, Topics topics, StickerDataset ds) {
    for (int e = 0; e < ds.emojiCount(); e++) {
      for (int s = 0; s < ds.styleCount(); s++) {
        String id = itemId(ds, e, s);
        Item item =
            Item.newBuilder()
                .setItemId(id)
                .setImage(ByteBuffer.wrap(StickerImage.toPng(ds.image(e, s))))
                .setCaption(ds.emoji().get(e).name())
                .setCategory(ds.emoji().get(e).category())
                .setStyle(StickerDataset.STYLES.get(s))
                .setCreatedAt(Instant.now())
                .build();
        send(producer, topics.items, id, item);
      }
    }
    producer.flush();
  }

  private static void awaitCatalog(PigeonEngine engine, String lastItem)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (engine.catalogStore().get(lastItem) != null) {
          return;
        }
      } catch (RuntimeException notQueryableYet) {
        // during a rebalance
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("catalog was not loaded within 120 s");
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  static String itemId(StickerDataset ds, int emoji, int style) {
    return StickerDataset.STYLES.get(style) + "/" + ds.emoji().get(emoji).id();
  }

  private static String userId(SimulatedUser u) {
    return "user-" + u.id();
  }

  private static <V> void send(
      KafkaProducer<String, byte[]> producer, Topic<String, V> topic, String key, V value) {
    producer.send(
        new ProducerRecord<>(
            topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)));
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private static <V> List<V> consume(
      String bootstrap, String topic, Deserializer<V> deserializer, int expected) {
    return CommittedReader.read(
        bootstrap,
        topic,
        deserializer,
        expected,
        ANSWER_TIMEOUT,
        Duration.ofSeconds(expected == 0 ? 3 : 1));
  }

  static Map<Status, Integer> byStatus(List<GeneratedImage> answers) {
    Map<Status, Integer> counts = new EnumMap<>(Status.class);
    answers.forEach(a -> counts.merge(a.getStatus(), 1, Integer::sum));
    return counts;
  }
}
