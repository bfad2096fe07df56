package io.pigeonstreams.bench.experiment;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.Experiment;
import io.pigeonstreams.avro.ExperimentStatus;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.avro.Variant;
import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Benchmark;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.data.simulation.SimulatedUser;
import io.pigeonstreams.data.simulation.reaction.ReactionModel;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.personalize.experiment.ExperimentPlan;
import io.pigeonstreams.personalize.experiment.ExperimentReport;
import io.pigeonstreams.personalize.experiment.Statistics.Moments;
import io.pigeonstreams.topology.ExperimentMapping;
import io.pigeonstreams.topology.Topics;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code bench experiment}: an A/B experiment on the embedded broker with simulated users. The
 * experiment is defined on {@code experiments}; TEST users of the benchmark load their histories
 * and ask for stickers (each user its own sliding windows' references); every answer's image is
 * shown to its user, who reacts through the reaction model (a like, or a skip); then the report is
 * computed from what the engine published on {@code experiment-results} and, independently, from
 * the raw {@code exposures} and {@code interactions}, and the two are compared. A share of one
 * arm's requests can be dropped on the client side (before they reach the engine, as a buggy client
 * would) to show the sample-ratio check at work.
 */
public final class ExperimentScenario {

  /** The experiment's id in the scenario. */
  public static final String ID = "scenario";

  /**
   * @param users TEST users taking part (the benchmark simulates ten times as many, split 8:1:1)
   * @param requestsPerUser at most this many requests per user (its sliding windows, in order)
   * @param noise the history noise ε of the simulation
   * @param variants NAME:WEIGHT[:overrides] specs, the first the control
   * @param metrics what the experiment is judged by
   * @param dropVariant whose requests are partly lost (null: none)
   * @param dropShare the share of {@code dropVariant}'s users whose requests are lost
   */
  public record Settings(
      int users,
      int requestsPerUser,
      double noise,
      long seed,
      List<String> variants,
      List<String> metrics,
      String dropVariant,
      double dropShare,
      Path out) {}

  /**
   * @param published the report from experiment-results
   * @param recomputed the report from the raw exposures and interactions
   */
  public record Result(
      ExperimentReport.Result published,
      ExperimentReport.Result recomputed,
      Map<String, Map<String, Moments>> publishedMoments,
      Map<String, Map<String, Moments>> recomputedMoments,
      int sent,
      int dropped,
      int answered,
      int reactions,
      Map<String, java.util.Set<String>> modelVersions,
      Duration took) {

    /** Whether both ways give the same moments for every variant and metric. */
    public boolean agree() {
      return publishedMoments.equals(recomputedMoments);
    }
  }

  private final Settings settings;
  private final StickerDataset ds;
  private final Benchmark benchmark;
  private final Path models;
  private final PrintWriter console;

  /**
   * @param benchmark simulated with {@code settings.users() * 10} users and the settings' noise
   * @param models the models folder (pigeon, reactions)
   */
  public ExperimentScenario(
      Settings settings, StickerDataset ds, Benchmark benchmark, Path models, PrintWriter console) {
    this.settings = settings;
    this.ds = ds;
    this.benchmark = benchmark;
    this.models = models;
    this.console = console;
  }

  /** The experiment's definition (refused with the reasons when malformed). */
  public Experiment experiment() {
    List<Variant> variants = settings.variants().stream().map(ExperimentMapping::variant).toList();
    Experiment e =
        Experiment.newBuilder()
            .setId(ID)
            .setStatus(ExperimentStatus.RUNNING)
            .setVariants(variants)
            .setCoverage(1.0)
            .setHashSeed("pigeon-scenario-" + settings.seed())
            .setHashVersion(2)
            .setMetrics(settings.metrics())
            .setStartAt(Instant.now().minusSeconds(1))
            .build();
    List<String> problems = ExperimentMapping.experimentPlan(e).problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("experiment refused: " + String.join("; ", problems));
    }
    return e;
  }

  public Result run() throws Exception {
    long t0 = System.nanoTime();
    Experiment experiment = experiment();
    ExperimentPlan plan = ExperimentMapping.experimentPlan(experiment);
    Path state = settings.out().resolve("state");
    Directories.deleteRecursively(state);
    Map<Integer, SimulatedUser> users = new HashMap<>();
    benchmark.users().forEach(u -> users.put(u.id(), u));
    Map<Integer, List<Sample>> byUser = new LinkedHashMap<>();
    for (Sample s : benchmark.samples(Split.TEST)) {
      if (byUser.size() < settings.users() || byUser.containsKey(s.user())) {
        List<Sample> mine = byUser.computeIfAbsent(s.user(), k -> new ArrayList<>());
        if (mine.size() < settings.requestsPerUser()) {
          mine.add(s);
        }
      }
    }
    SplittableRandom rng = new SplittableRandom(settings.seed());
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start();
        ReactionModel reactions = ReactionModel.load(models.resolve("reactions"), ds)) {
      String bootstrap = kafka.bootstrapServers();
      EngineConfig config =
          EngineConfig.of(
              Map.of(
                  "bootstrap.servers",
                  bootstrap,
                  "application.id",
                  "pigeon-experiment-scenario",
                  "state.dir",
                  state.toString(),
                  "pigeon.model.dir",
                  models.resolve("pigeon").toString(),
                  "pigeon.model.store",
                  settings.out().resolve("model-store").toString()));
      try (PigeonEngine engine = new PigeonEngine(config, EngineComponents.of(config));
          TopicProducer producer = TopicProducer.connect(bootstrap, 5)) {
        engine.start();
        if (!engine.awaitReady(Duration.ofSeconds(60))) {
          throw new IllegalStateException("engine did not become ready in 60 s");
        }
        Topics topics = engine.topics();
        producer.send(topics.experiments, ID, experiment);
        StickerCatalog catalog = StickerCatalog.of(ds);
        console.printf(
            Locale.ROOT,
            "Loading %d catalog items and %d users' histories ...%n",
            catalog.size(),
            byUser.size());
        console.flush();
        catalog.send(producer, topics);
        long ts = 1;
        for (List<Sample> mine : byUser.values()) {
          Sample first = mine.get(0);
          for (var h : first.history()) {
            producer.send(
                topics.interactions,
                userId(first),
                Records.interaction(
                    userId(first),
                    StickerCatalog.itemId(ds, h.emoji(), h.style()),
                    io.pigeonstreams.avro.Action.LIKE,
                    ts++));
          }
        }
        producer.flush();
        Waits.until(
            () -> engine.catalogStore().get(catalog.lastItemId()) != null,
            "catalog",
            Duration.ofSeconds(180));
        Waits.until(
            () -> engine.experimentsStore().get(ID) != null,
            "experiment definition",
            Duration.ofSeconds(180));

        // the users ask; a dropped user's requests never reach the engine
        int sent = 0;
        int dropped = 0;
        Map<String, Sample> asked = new HashMap<>();
        for (List<Sample> mine : byUser.values()) {
          String user = userId(mine.get(0));
          ExperimentPlan.Variant arm = plan.variantOf(user);
          boolean drop =
              arm != null
                  && arm.name().equals(settings.dropVariant())
                  && rng.nextDouble() < settings.dropShare();
          for (Sample s : mine) {
            if (drop) {
              dropped++;
              continue;
            }
            String requestId = "exp-" + s.id();
            asked.put(requestId, s);
            producer.send(
                topics.requests,
                user,
                Records.request(
                        requestId,
                        user,
                        StickerCatalog.itemId(ds, s.target().emoji(), s.referenceStyle()))
                    .build());
            sent++;
          }
        }
        producer.flush();
        console.printf(
            Locale.ROOT, "Sent %d requests (%d dropped on the client) ...%n", sent, dropped);
        console.flush();
        List<GeneratedImage> answers =
            CommittedReader.read(
                bootstrap,
                topics.generated.name(),
                topics.generated.valueSerde().deserializer(),
                sent,
                Duration.ofSeconds(600),
                Duration.ofMillis(500));

        // each user sees its image and reacts
        int reacted = 0;
        List<GeneratedImage> shown = new ArrayList<>();
        List<float[]> images = new ArrayList<>();
        for (GeneratedImage g : answers) {
          if (g.getStatus() != Status.REJECTED && g.getImage() != null) {
            shown.add(g);
            images.add(StickerImage.fromPng(StickerImage.bytes(g.getImage()), 64));
          }
        }
        List<ReactionModel.Perception> seen = reactions.perceive(images);
        for (int i = 0; i < shown.size(); i++) {
          GeneratedImage g = shown.get(i);
          SimulatedUser u = users.get(asked.get(g.getRequestId()).user());
          // seeded per request: the same reactions whatever order the answers arrive in
          boolean like =
              reactions.likes(
                  u,
                  seen.get(i),
                  new SplittableRandom(settings.seed() * 1_000_003L + g.getRequestId().hashCode()));
          producer.send(
              topics.interactions,
              g.getUserId(),
              Interaction.newBuilder(
                      Records.interaction(
                          g.getUserId(), g.getImageId(), like ? Action.LIKE : Action.SKIP, ts++))
                  .setGeneratedImageId(g.getImageId())
                  .build());
          reacted++;
        }
        producer.flush();

        // the engine has counted everything once the published sums reach what was sent
        int answered = answers.size();
        int expectedReactions = reacted;
        Map<String, Map<String, Moments>> published = Map.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
          published = ExperimentResults.published(bootstrap, topics, ID);
          if (total(published, "exposures_per_user") >= answered
              && total(published, "like_rate") + total(published, "skip_rate")
                  >= expectedReactions) {
            break;
          }
          Thread.sleep(500);
        }
        Map<String, Map<String, Moments>> recomputed =
            ExperimentResults.recomputed(bootstrap, topics, ID);
        Result result =
            new Result(
                ExperimentReport.of(plan, published),
                ExperimentReport.of(plan, recomputed),
                published,
                recomputed,
                sent,
                dropped,
                answered,
                reacted,
                versions(answers),
                Duration.ofNanos(System.nanoTime() - t0));
        write(result);
        return result;
      }
    }
  }

  /** The model versions that answered, per variant. */
  private static Map<String, java.util.Set<String>> versions(List<GeneratedImage> answers) {
    Map<String, java.util.Set<String>> out = new java.util.TreeMap<>();
    for (GeneratedImage g : answers) {
      if (g.getExperimentId() != null && g.getStatus() != Status.REJECTED) {
        out.computeIfAbsent(g.getExperimentVariant(), k -> new java.util.TreeSet<>())
            .add(g.getModelVersion());
      }
    }
    return out;
  }

  /** Σx of {@code metric} over the variants. */
  private static double total(Map<String, Map<String, Moments>> moments, String metric) {
    return moments.values().stream()
        .map(m -> m.get(metric))
        .filter(m -> m != null)
        .mapToDouble(Moments::sum)
        .sum();
  }

  private static String userId(Sample s) {
    return "exp-user-" + s.user();
  }

  private void write(Result r) throws java.io.IOException {
    String text =
        String.format(
                Locale.ROOT,
                "%d requests sent (%d dropped on the client), %d answered, %d reactions, %.1f s;"
                    + " models per variant %s; published and recomputed moments %s%n%n",
                r.sent(),
                r.dropped(),
                r.answered(),
                r.reactions(),
                r.took().toMillis() / 1000.0,
                r.modelVersions(),
                r.agree() ? "agree" : "DISAGREE")
            + r.published().render();
    Files.writeString(settings.out().resolve("experiment-report.txt"), text);
    console.print(text);
    if (!r.agree()) {
      console.println("recomputed from the raw topics:");
      console.print(r.recomputed().render());
    }
    console.flush();
  }
}
