package io.pigeonstreams.cli.demo;

import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Benchmark;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.engine.web.Gallery;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.topology.Topic;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.AnswerCollector;
import io.pigeonstreams.workload.Directories;
import io.pigeonstreams.workload.SimulatedTraffic;
import io.pigeonstreams.workload.StickerCatalog;
import io.pigeonstreams.workload.TopicProducer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The embedded demo, start to end: an in-process broker, the engine with the committed model, the
 * emoji catalog, simulated users' traffic with bad input on purpose, every answer awaited, then the
 * summary and the contact sheet. Prints progress and the summary to the console it is given; what
 * Kafka, DJL and the engine log goes wherever {@code System.out}/{@code System.err} point (see
 * {@link ConsoleDiversion}).
 */
public final class DemoRun {

  /** Candidates per demo request: the paper's sweep of alpha_r over 0.0, 0.1, ..., 1.0. */
  public static final int CANDIDATES = 11;

  /**
   * Requests, optional duration, output folder, and the engine's generator ({@code
   * pigeon.generator}: pigeon, unet or nearest-history).
   */
  public record Settings(
      int requests, Duration duration, Path out, String generator, boolean serve) {

    public Settings(int requests, Duration duration, Path out, String generator) {
      this(requests, duration, out, generator, false);
    }
  }

  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration CATALOG_TIMEOUT = Duration.ofSeconds(120);

  private final Settings settings;
  private final StickerDataset dataset;
  private final Benchmark benchmark;
  private final PrintWriter console;

  public DemoRun(
      Settings settings, StickerDataset dataset, Benchmark benchmark, PrintWriter console) {
    this.settings = settings;
    this.dataset = dataset;
    this.benchmark = benchmark;
    this.console = console;
  }

  public void run() throws Exception {
    Path state = settings.out().resolve("state"); // fresh each run: the broker is new too
    Directories.deleteRecursively(state);
    console.println("Starting Kafka (KRaft, in-process) ...");
    console.flush();
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      String bootstrap = kafka.bootstrapServers();
      console.printf(
          Locale.ROOT,
          "Kafka at %s (started in %.1f s)%n",
          bootstrap,
          kafka.startupTime().toMillis() / 1000.0);
      console.println("Starting the engine (loading the Pigeon model, warming it up) ...");
      console.flush();
      long t0 = System.nanoTime();
      // the defaults, the environment (PIGEON_PIGEON_HTTP_HOST in a container, say), then the
      // demo's own broker, state and generator
      EngineConfig config =
          EngineConfig.load(null, System.getenv())
              .with("bootstrap.servers", bootstrap)
              .with("application.id", "pigeon-demo")
              .with("state.dir", state.toString())
              .with("pigeon.generator", settings.generator());
      Gallery gallery = settings.serve() ? Gallery.start(config) : null;
      if (gallery != null) {
        config = gallery.advertiseIn(config);
      }
      try (Gallery served = gallery;
          PigeonEngine engine = new PigeonEngine(config, EngineComponents.of(config));
          TopicProducer producer = TopicProducer.connect(bootstrap, 5)) {
        if (served != null) {
          served.attach(engine);
        }
        engine.start();
        if (!engine.awaitReady(Duration.ofSeconds(60))) {
          throw new IllegalStateException("engine did not become ready in 60 s");
        }
        console.printf(
            Locale.ROOT,
            "Engine running (%s) after %.1f s%n",
            engine.modelVersion(),
            (System.nanoTime() - t0) / 1e9);
        Topics topics = engine.topics();
        StickerCatalog catalog = StickerCatalog.of(dataset);
        loadCatalog(engine, producer, topics, catalog);

        int partitions = config.getInt("pigeon.topics.partitions");
        try (AnswerCollector progress =
            new AnswerCollector(bootstrap, topics.generated, partitions, () -> {})) {
          progress.start();
          SimulatedTraffic.Sent sent =
              new SimulatedTraffic(dataset, benchmark, CANDIDATES)
                  .send(
                      producer,
                      topics,
                      settings.requests(),
                      settings.duration(),
                      id -> progress.expect(id, System.nanoTime()));
          console.printf(
              "Sent %d interactions and %d requests (%d of them invalid on purpose) and %d"
                  + " undecodable records%n",
              sent.interactions(), sent.requests().size(), sent.invalid(), sent.undecodable());
          int expected = sent.requests().size();
          awaitWithProgress(
              String.format(
                  Locale.ROOT, "Generating %d answers (%d candidates each)", expected, CANDIDATES),
              expected,
              progress::count,
              ANSWER_TIMEOUT.plusSeconds(expected));
          report(bootstrap, topics, sent);
        }
        if (served != null) {
          console.printf(
              "%nThe demo keeps running: open %s (the simulated users are user-0, user-1, ...;"
                  + " Ctrl-C stops)%n",
              served.url());
          console.flush();
          engine.awaitTermination();
        }
      }
    }
  }

  /** Sends the catalog and shows the engine taking it in (tokenizing each item once). */
  private void loadCatalog(
      PigeonEngine engine, TopicProducer producer, Topics topics, StickerCatalog catalog)
      throws InterruptedException {
    List<String> ids = catalog.itemIds();
    catalog.send(producer, topics);
    // items arrive over several partitions: count the quarter marks, the last item means all
    List<String> marks =
        List.of(
            ids.get(ids.size() / 4 - 1),
            ids.get(ids.size() / 2 - 1),
            ids.get(3 * ids.size() / 4 - 1),
            catalog.lastItemId());
    awaitWithProgress(
        String.format(Locale.ROOT, "Loading %d catalog items", ids.size()),
        marks.size(),
        () -> {
          int n = 0;
          try {
            while (n < marks.size() && engine.catalogStore().get(marks.get(n)) != null) {
              n++;
            }
          } catch (RuntimeException notQueryableYet) {
            // during a rebalance
          }
          return n;
        },
        CATALOG_TIMEOUT);
  }

  /**
   * Prints {@code label} then 25%, 50%, 75%, 100% as {@code done} reaches each quarter of {@code
   * total}, then the time taken, on one line.
   */
  private void awaitWithProgress(String label, int total, IntSupplier done, Duration timeout)
      throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + timeout.toNanos();
    console.print(label + ":");
    console.flush();
    int shown = 0;
    while (shown < 4) {
      int now = done.getAsInt();
      while (shown < 4 && now * 4L >= (long) total * (shown + 1)) {
        shown++;
        console.print(" " + 25 * shown + "%");
        console.flush();
      }
      if (shown == 4) {
        break;
      }
      if (System.nanoTime() > deadline) {
        console.println();
        throw new IllegalStateException(
            label + ": only " + now + " of " + total + " after " + timeout.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
    console.printf(Locale.ROOT, " (%.1f s)%n", (System.nanoTime() - t0) / 1e9);
    console.flush();
  }

  /** Reads what was committed (as a downstream consumer would), prints it, draws the sheet. */
  private void report(String bootstrap, Topics topics, SimulatedTraffic.Sent sent)
      throws IOException {
    List<GeneratedImage> answers =
        consume(
            bootstrap,
            topics.generated.name(),
            topics.generated.valueSerde().deserializer(),
            sent.requests().size());
    int deadLetters = 0;
    for (Topic<String, ?> t : topics.inputs()) {
      deadLetters +=
          consume(bootstrap, t.deadLetterTopic(), topics.deadLetterSerde.deserializer(), 0).size();
    }
    DemoReport.print(console, sent.requests().size(), answers, deadLetters);
    Path sheet = settings.out().resolve("contact-sheet.png");
    ContactSheet.write(sheet, dataset, answers, sent.requests(), 12);
    console.println("Contact sheet: " + sheet);
    console.flush();
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
}
