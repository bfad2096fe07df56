package io.pigeonstreams.bench.hostile;

import io.pigeonstreams.avro.DeadLetter;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.bench.hostile.HostileRecords.Expect;
import io.pigeonstreams.bench.hostile.HostileRecords.Hostile;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Directories;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.TopicProducer;
import io.pigeonstreams.workload.Waits;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code bench hostile}: malformed and hostile records ({@link HostileRecords}) written into every
 * input topic by an outside client, Debian's {@code kcat}, while the engine runs on the in-process
 * broker; then every record is accounted for: a dead letter with its reason, or exactly one answer
 * (REJECTED with its reason) for a request the engine could read. Afterwards the engine must still
 * be RUNNING and answer valid requests.
 */
public final class HostileCampaign {

  /**
   * @param perTopic hostile records per input topic
   * @param generator the engine's generator (pigeon, unet or nearest-history)
   */
  public record Settings(int perTopic, String generator, Path out, Duration timeout) {}

  /** One topic's account. */
  public record Account(
      String topic,
      int sent,
      int expectedDeadLetters,
      int expectedAnswers,
      int expectedBrokerRefusals,
      int brokerRefusals,
      int deadLetters,
      int answers,
      int rejected,
      int duplicates,
      Map<String, Integer> kinds) {

    public int unaccounted() {
      return Math.max(0, sent - deadLetters - answers - brokerRefusals);
    }
  }

  /** The campaign's outcome. */
  public record Result(
      List<Account> accounts,
      boolean runningAfter,
      int validAnsweredAfter,
      int validSentAfter,
      long heapAfterMb,
      Duration took) {

    public boolean allAccounted() {
      return accounts.stream()
          .allMatch(
              a ->
                  a.unaccounted() == 0
                      && a.duplicates() == 0
                      && a.deadLetters() == a.expectedDeadLetters()
                      && a.answers() == a.expectedAnswers()
                      && a.brokerRefusals() == a.expectedBrokerRefusals());
    }
  }

  private final Settings settings;
  private final StickerDataset ds;
  private final PrintWriter console;

  public HostileCampaign(Settings settings, StickerDataset ds, PrintWriter console) {
    this.settings = settings;
    this.ds = ds;
    this.console = console;
  }

  /** Whether Debian's kcat is on this machine. */
  public static boolean kcatAvailable() {
    return Kcat.available();
  }

  public Result run() throws Exception {
    long t0 = System.nanoTime();
    Path state = settings.out().resolve("state");
    Directories.deleteRecursively(state);
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      String bootstrap = kafka.bootstrapServers();
      EngineConfig config =
          EngineConfig.of(
              Map.of(
                  "bootstrap.servers",
                  bootstrap,
                  "application.id",
                  "pigeon-hostile",
                  "state.dir",
                  state.toString(),
                  "pigeon.generator",
                  settings.generator()));
      try (PigeonEngine engine = new PigeonEngine(config, EngineComponents.of(config));
          TopicProducer producer = TopicProducer.connect(bootstrap, 5)) {
        engine.start();
        if (!engine.awaitReady(Duration.ofSeconds(60))) {
          throw new IllegalStateException("engine did not become ready in 60 s");
        }
        Topics topics = engine.topics();
        for (int e = 0; e < 6; e++) {
          producer.send(
              topics.items,
              "google/" + e,
              Records.item("google/" + e, ds.image(e, 0), "emoji " + e, "", "google"));
        }
        producer.flush();
        Waits.until(
            () -> engine.catalogStore().get("google/5") != null,
            "catalog",
            Duration.ofSeconds(120));

        HostileRecords hostile = new HostileRecords(topics, 7);
        Map<String, List<Hostile>> sent = new LinkedHashMap<>();
        Map<String, Integer> refused = new LinkedHashMap<>();
        for (String topic :
            List.of(topics.items.name(), topics.interactions.name(), topics.requests.name())) {
          List<Hostile> records = hostile.forTopic(topic, settings.perTopic());
          refused.put(topic, Kcat.produce(bootstrap, topic, records, settings.out()));
          // keep what each record was meant to become, not its bytes (up to 800 KB each)
          sent.put(
              topic,
              records.stream()
                  .map(h -> new Hostile(h.topic(), h.kind(), null, null, h.expect()))
                  .toList());
          console.printf(
              Locale.ROOT, "kcat wrote %d hostile records to %s%n", records.size(), topic);
          console.flush();
        }

        // every record accounted for, or the timeout
        List<Account> accounts = List.of();
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (System.nanoTime() < deadline) {
          accounts = account(bootstrap, topics, sent, refused);
          if (accounts.stream().allMatch(a -> a.unaccounted() == 0)) {
            break;
          }
          Thread.sleep(1000);
        }
        accounts = account(bootstrap, topics, sent, refused); // nothing more came in meanwhile

        // still running and answering
        boolean running = engine.isReady();
        int validSent = 10;
        for (int i = 0; i < validSent; i++) {
          producer.send(
              topics.requests,
              "after-" + i,
              Records.request("after-" + i, "after-" + i, "google/" + (i % 6)).build());
        }
        producer.flush();
        long answered =
            CommittedReader.read(
                    bootstrap,
                    topics.generated.name(),
                    topics.generated.valueSerde().deserializer(),
                    (int) accounts.stream().mapToLong(Account::answers).sum() + validSent,
                    Duration.ofSeconds(120),
                    Duration.ofMillis(500))
                .stream()
                .filter(
                    g -> g.getRequestId().startsWith("after-") && g.getStatus() != Status.REJECTED)
                .count();
        System.gc();
        long heap = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
        Result r =
            new Result(
                accounts,
                running,
                (int) answered,
                validSent,
                heap,
                Duration.ofNanos(System.nanoTime() - t0));
        write(r);
        return r;
      }
    }
  }

  private static List<Account> account(
      String bootstrap,
      Topics topics,
      Map<String, List<Hostile>> sent,
      Map<String, Integer> refusedByBroker) {
    List<Account> out = new ArrayList<>();
    Map<String, Integer> answers = new TreeMap<>();
    Map<String, Integer> rejected = new TreeMap<>();
    Set<String> seenAnswers = new HashSet<>();
    int answerDuplicates = 0;
    for (var r :
        CommittedReader.readToEnd(
            bootstrap,
            topics.generated.name(),
            topics.generated.valueSerde().deserializer(),
            null)) {
      GeneratedImage g = r.value();
      if (g != null && g.getRequestId().startsWith("hostile-")) {
        if (!seenAnswers.add(g.getRequestId())) {
          answerDuplicates++;
        }
        answers.merge(topics.requests.name(), 1, Integer::sum);
        if (g.getStatus() == Status.REJECTED) {
          rejected.merge(topics.requests.name(), 1, Integer::sum);
        }
      }
    }
    for (var e : sent.entrySet()) {
      String topic = e.getKey();
      Set<String> letters = new HashSet<>();
      int duplicates = topic.equals(topics.requests.name()) ? answerDuplicates : 0;
      var dlq = io.pigeonstreams.topology.Topic.deadLetterTopic(topic);
      for (var r :
          CommittedReader.readToEnd(
              bootstrap,
              dlq,
              io.pigeonstreams.serde.SerdeFactory.forClass(DeadLetter.class, Map.of())
                  .deserializer(),
              null)) {
        DeadLetter d = r.value();
        if (d != null && !letters.add(d.getPartition() + "@" + d.getOffset())) {
          duplicates++;
        }
      }
      Map<String, Integer> kinds = new TreeMap<>();
      e.getValue().forEach(h -> kinds.merge(h.kind(), 1, Integer::sum));
      out.add(
          new Account(
              topic,
              e.getValue().size(),
              (int) e.getValue().stream().filter(h -> h.expect() == Expect.DEAD_LETTER).count(),
              (int) e.getValue().stream().filter(h -> h.expect() == Expect.ANSWER).count(),
              (int) e.getValue().stream().filter(h -> h.expect() == Expect.BROKER_REFUSES).count(),
              refusedByBroker.getOrDefault(topic, 0),
              letters.size(),
              answers.getOrDefault(topic, 0),
              rejected.getOrDefault(topic, 0),
              duplicates,
              kinds));
    }
    return out;
  }

  private void write(Result r) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append(
        "| topic | sent | refused by the broker (expected) | dead letters (expected) | answers"
            + " (expected) | REJECTED | duplicates | unaccounted |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Account a : r.accounts()) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d (%d) | %d (%d) | %d (%d) | %d | %d | %d |%n",
              a.topic(),
              a.sent(),
              a.brokerRefusals(),
              a.expectedBrokerRefusals(),
              a.deadLetters(),
              a.expectedDeadLetters(),
              a.answers(),
              a.expectedAnswers(),
              a.rejected(),
              a.duplicates(),
              a.unaccounted()));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nAfterwards: Kafka Streams %s; %d of %d valid requests answered; heap %d MiB after GC;"
                + " %.1f s in all. Every record accounted for: %s.%n",
            r.runningAfter() ? "RUNNING" : "NOT RUNNING",
            r.validAnsweredAfter(),
            r.validSentAfter(),
            r.heapAfterMb(),
            r.took().toMillis() / 1000.0,
            r.allAccounted() ? "yes" : "NO"));
    Files.writeString(settings.out().resolve("hostile.md"), md.toString());
    console.print(md);
    console.flush();
  }
}
