package io.pigeonstreams.cli.demo;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Benchmark;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.data.simulation.SimulatedUser;
import io.pigeonstreams.data.simulation.reaction.ReactionModel;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.ModelStore;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.eval.judge.Judge;
import io.pigeonstreams.eval.judge.Ranking;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.loop.Retraining;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.train.PreferenceTuning;
import io.pigeonstreams.workload.Directories;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.StickerCatalog;
import io.pigeonstreams.workload.TopicProducer;
import io.pigeonstreams.workload.Waits;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code demo --feedback-rounds N}: the loop working on the embedded broker. The same TEST requests
 * (two options each) are served every round; simulated users react through their own reaction model
 * (a pick is a like of the option they prefer, or a skip); then the preference pairs of the round
 * retrain the serving version, the VAL gate decides, a published version is announced and the
 * engine swaps to it. Per round: the serving version, the like rate, and the judges' style accuracy
 * and identity top-5 of the images served.
 */
public final class FeedbackRounds {

  /** Rounds after round 0, requests per round, output folder. */
  public record Settings(int rounds, int requests, Path out) {}

  /** What one round measured. */
  public record Round(
      int round,
      String version,
      int answers,
      double likeRate,
      double styleAccuracy,
      double identityTop5,
      String retraining) {}

  private final Settings settings;
  private final StickerDataset ds;
  private final Benchmark benchmark;
  private final PrintWriter console;

  public FeedbackRounds(
      Settings settings, StickerDataset ds, Benchmark benchmark, PrintWriter console) {
    this.settings = settings;
    this.ds = ds;
    this.benchmark = benchmark;
    this.console = console;
  }

  public List<Round> run() throws Exception {
    Path state = settings.out().resolve("state");
    Directories.deleteRecursively(state);
    Path storeDir = settings.out().resolve("model-store");
    List<Round> rounds = new ArrayList<>();
    List<Sample> samples = benchmark.samples(Split.TEST);
    samples = samples.subList(0, Math.min(samples.size(), settings.requests()));
    Map<Integer, SimulatedUser> users = new HashMap<>();
    benchmark.users().forEach(u -> users.put(u.id(), u));
    long t0 = System.nanoTime();
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start();
        ReactionModel reactions = ReactionModel.load(Path.of("models", "reactions"), ds);
        Judge style = Judge.load(Path.of("models", "judges"), Judge.STYLE, ds.styleCount());
        Judge identity = Judge.load(Path.of("models", "judges"), Judge.IDENTITY, ds.emojiCount())) {
      String bootstrap = kafka.bootstrapServers();
      EngineConfig config =
          EngineConfig.of(
              Map.of(
                  "bootstrap.servers",
                  bootstrap,
                  "application.id",
                  "pigeon-feedback-demo",
                  "state.dir",
                  state.toString(),
                  "pigeon.model.store",
                  storeDir.toString()));
      ModelStore store = new ModelStore(storeDir);
      try (PigeonEngine engine = new PigeonEngine(config, EngineComponents.of(config));
          TopicProducer producer = TopicProducer.connect(bootstrap, 5)) {
        engine.start();
        if (!engine.awaitReady(Duration.ofSeconds(60))) {
          throw new IllegalStateException("engine did not become ready in 60 s");
        }
        Topics topics = engine.topics();
        StickerCatalog catalog = StickerCatalog.of(ds);
        console.printf("Loading %d catalog items ...%n", catalog.size());
        console.flush();
        catalog.send(producer, topics);
        Waits.until(
            () -> engine.catalogStore().get(catalog.lastItemId()) != null,
            "catalog",
            Duration.ofSeconds(180));
        long ts = 1;
        for (Sample s : samples) {
          for (var h : s.history()) {
            producer.send(
                topics.interactions,
                userId(s),
                Records.interaction(
                    userId(s), StickerCatalog.itemId(ds, h.emoji(), h.style()), Action.LIKE, ts++));
          }
        }
        producer.flush();
        Path currentDir = Path.of("models", "pigeon");
        String currentCheckpoint = "pigeon-sft";
        SplittableRandom rng = new SplittableRandom(97);
        int answered = 0;
        for (int r = 0; r <= settings.rounds(); r++) {
          Instant roundStart = Instant.now();
          String version = engine.modelVersion();
          for (Sample s : samples) {
            producer.send(
                topics.requests,
                userId(s),
                Records.request(
                        "round" + r + "-" + s.id(),
                        userId(s),
                        StickerCatalog.itemId(ds, s.target().emoji(), s.referenceStyle()))
                    .setOptions(2)
                    .build());
          }
          producer.flush();
          answered += samples.size();
          Map<String, GeneratedImage> answers = new HashMap<>();
          for (GeneratedImage g :
              CommittedReader.read(
                  bootstrap,
                  topics.generated.name(),
                  topics.generated.valueSerde().deserializer(),
                  answered,
                  Duration.ofSeconds(300),
                  Duration.ofMillis(500))) {
            if (g.getRequestId().startsWith("round" + r + "-")) {
              answers.put(g.getRequestId(), g);
            }
          }
          // the users react: they like the option they prefer, or skip what they were shown
          List<float[]> served = new ArrayList<>();
          List<Sample> servedFor = new ArrayList<>();
          int likes = 0;
          for (Sample s : samples) {
            GeneratedImage g = answers.get("round" + r + "-" + s.id());
            if (g == null || g.getImage() == null) {
              continue;
            }
            float[] first = StickerImage.fromPng(StickerImage.bytes(g.getImage()), 64);
            served.add(first);
            servedFor.add(s);
            List<float[]> shown = new ArrayList<>(List.of(first));
            if (g.getAlternativeImage() != null) {
              shown.add(StickerImage.fromPng(StickerImage.bytes(g.getAlternativeImage()), 64));
            }
            List<ReactionModel.Perception> seen = reactions.perceive(shown);
            SimulatedUser u = users.get(s.user());
            int pick = 0;
            for (int i = 1; i < seen.size(); i++) {
              if (reactions.likeProbability(u, seen.get(i))
                  > reactions.likeProbability(u, seen.get(pick))) {
                pick = i;
              }
            }
            boolean like = reactions.likes(u, seen.get(pick), rng);
            String imageId = pick == 0 ? g.getImageId() : g.getAlternativeImageId();
            producer.send(
                topics.interactions,
                userId(s),
                Interaction.newBuilder(
                        Records.interaction(
                            userId(s), imageId, like ? Action.LIKE : Action.SKIP, ts++))
                    .setGeneratedImageId(imageId)
                    .build());
            likes += like ? 1 : 0;
          }
          producer.flush();
          double[] judged = judge(style, identity, served, servedFor);
          String retraining = "";
          if (r < settings.rounds()) {
            Thread.sleep(2000); // the reactions' pairs committed
            Retraining.Outcome o =
                Retraining.run(
                    bootstrap,
                    config.asMap(),
                    ds,
                    Path.of("models", "judges"),
                    currentDir,
                    currentCheckpoint,
                    version,
                    store,
                    Files.createDirectories(settings.out().resolve("retrain-" + r)),
                    new Retraining.Settings(
                        3, 0.01, 100, roundStart, PreferenceTuning.Settings.defaults()),
                    false);
            retraining =
                String.format(
                    Locale.ROOT,
                    "%d user + %d model pairs; VAL overall %.3f -> %.3f: %s",
                    o.feedbackPairs(),
                    o.modelPairs(),
                    o.current() == null ? 0 : o.current().overall(),
                    o.candidate() == null ? 0 : o.candidate().overall(),
                    o.published() ? "published " + o.update().getVersion() : o.reason());
            if (o.published()) {
              String next = o.update().getVersion();
              long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
              while (!engine.modelVersion().equals(next) && System.nanoTime() < deadline) {
                Thread.sleep(100);
              }
              currentDir = Path.of(o.update().getLocation());
              currentCheckpoint = o.update().getCheckpoint();
            }
          }
          Round round =
              new Round(
                  r,
                  version,
                  served.size(),
                  served.isEmpty() ? 0 : likes / (double) served.size(),
                  judged[0],
                  judged[1],
                  retraining);
          rounds.add(round);
          console.printf(
              Locale.ROOT,
              "round %d  %-24s  answers %d  like rate %.3f  style acc %.3f  identity top-5 %.3f%s%n",
              r,
              version,
              round.answers(),
              round.likeRate(),
              round.styleAccuracy(),
              round.identityTop5(),
              retraining.isEmpty() ? "" : "\n         retrained: " + retraining);
          console.flush();
        }
      }
    }
    console.printf(
        Locale.ROOT, "%d rounds in %.1f min%n", rounds.size(), (System.nanoTime() - t0) / 6e10);
    write(rounds);
    return rounds;
  }

  private static String userId(Sample s) {
    return "fb-user-" + s.user();
  }

  /** Style accuracy (the user's style) and identity top-5 (the requested emoji) of the images. */
  private static double[] judge(
      Judge style, Judge identity, List<float[]> images, List<Sample> samples) {
    if (images.isEmpty()) {
      return new double[] {0, 0};
    }
    float[][] s = style.apply(images).logits();
    float[][] id = identity.apply(images).logits();
    int styleHits = 0;
    int idHits = 0;
    for (int i = 0; i < images.size(); i++) {
      styleHits += Ranking.argmax(s[i]) == samples.get(i).preferredStyle() ? 1 : 0;
      idHits += Ranking.rankOf(id[i], samples.get(i).target().emoji()) < 5 ? 1 : 0;
    }
    return new double[] {styleHits / (double) images.size(), idHits / (double) images.size()};
  }

  private void write(List<Round> rounds) throws java.io.IOException {
    StringBuilder md = new StringBuilder();
    md.append(
        "| round | serving | answers | like rate | style acc | identity top-5 | retraining |\n");
    md.append("|---:|---|---:|---:|---:|---:|---|\n");
    for (Round r : rounds) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %d | %.3f | %.3f | %.3f | %s |%n",
              r.round(),
              r.version(),
              r.answers(),
              r.likeRate(),
              r.styleAccuracy(),
              r.identityTop5(),
              r.retraining()));
    }
    Files.writeString(settings.out().resolve("feedback-rounds.md"), md.toString());
  }
}
