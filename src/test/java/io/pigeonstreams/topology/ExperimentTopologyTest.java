package io.pigeonstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.Experiment;
import io.pigeonstreams.avro.ExperimentStatus;
import io.pigeonstreams.avro.Exposure;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.avro.MetricMoments;
import io.pigeonstreams.avro.Variant;
import io.pigeonstreams.avro.VariantResults;
import io.pigeonstreams.personalize.experiment.ExperimentPlan;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Experiments applied to requests, with an exposure beside each answer (issue #13). */
class ExperimentTopologyTest {

  private TopologyTestDriver driver;
  private TestInputTopic<String, Experiment> experiments;
  private TestInputTopic<String, GenerationRequest> requests;
  private TestOutputTopic<String, GeneratedImage> generated;
  private TestOutputTopic<String, Exposure> exposures;
  private TestOutputTopic<String, MetricMoments> results;
  private TestInputTopic<String, Interaction> interactions;

  private final io.pigeonstreams.metrics.EngineMetrics metrics =
      io.pigeonstreams.metrics.EngineMetrics.none();

  private double gauge(String name, String experiment) {
    return metrics.registry().get(name).tag("experiment", experiment).gauge().value();
  }

  @BeforeEach
  void startDriver() {
    Topics topics = Fixtures.topics();
    driver =
        new TopologyTestDriver(
            Fixtures.topology(
                topics,
                new io.pigeonstreams.generate.retrieval.NearestHistoryGenerator(),
                Batching.perRecord(),
                metrics),
            Fixtures.streamsProperties());
    TestInputTopic<String, Item> items = Fixtures.input(driver, topics.items);
    interactions = Fixtures.input(driver, topics.interactions);
    results = Fixtures.output(driver, topics.experimentResults);
    experiments = Fixtures.input(driver, topics.experiments);
    requests = Fixtures.input(driver, topics.requests);
    generated = Fixtures.output(driver, topics.generated);
    exposures = Fixtures.output(driver, topics.exposures);
    for (int e = 0; e < 6; e++) {
      items.pipeInput(Fixtures.itemId(e, 0), Fixtures.item(e, 0));
    }
    for (String u : List.of("u1", "u2", "u3", "u4")) {
      for (int e = 0; e < 5; e++) {
        interactions.pipeInput(u, Fixtures.interaction(u, Fixtures.itemId(e, 0), Action.LIKE, e));
      }
    }
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  private static Experiment experiment(String id, double coverage, ExperimentStatus status) {
    return Experiment.newBuilder()
        .setId(id)
        .setStatus(status)
        .setVariants(
            List.of(
                new Variant("control", 0.5, null, null, null, null, null),
                new Variant("no-mask", 0.5, 0.0, null, null, null, null)))
        .setCoverage(coverage)
        .setHashSeed("")
        .setHashVersion(2)
        .setMetrics(List.of("like_rate"))
        .setStartAt(Instant.EPOCH)
        .build();
  }

  @Test
  void shouldApplyTheVariantAndWriteAnExposureBesideEveryAnswerOfTheExperiment() {
    // Given an experiment over all users, half of them without the history mask
    Experiment e = experiment("mask-vs-none", 1.0, ExperimentStatus.RUNNING);
    experiments.pipeInput(e.getId(), e);
    ExperimentPlan plan = ExperimentMapping.experimentPlan(e);

    // When four users ask
    for (String u : List.of("u1", "u2", "u3", "u4")) {
      requests.pipeInput(u, Fixtures.request("r-" + u, u, Fixtures.itemId(5, 0)).build());
    }

    // Then each answer names the experiment and the user's variant, with its overrides applied
    List<GeneratedImage> answers = generated.readValuesToList();
    assertThat(answers).hasSize(4);
    for (GeneratedImage a : answers) {
      String expected = plan.variantOf(a.getUserId()).name();
      assertThat(a.getExperimentId()).isEqualTo("mask-vs-none");
      assertThat(a.getExperimentVariant()).isEqualTo(expected);
      assertThat(a.getAlphaH()).isEqualTo(expected.equals("no-mask") ? 0.0 : 0.2);
    }
    // And one exposure per answer, naming the same request, image and variant
    List<Exposure> seen = exposures.readValuesToList();
    assertThat(seen).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(seen.get(i).getRequestId()).isEqualTo(answers.get(i).getRequestId());
      assertThat(seen.get(i).getImageId()).isEqualTo(answers.get(i).getImageId());
      assertThat(seen.get(i).getVariant()).isEqualTo(answers.get(i).getExperimentVariant());
    }

    // And once each user asks again and likes only its first image, the results are ratios over
    // users: per variant, n users, Σ likes = users, Σ exposures = 2 × users, Σ likes × exposures
    for (String u : List.of("u1", "u2", "u3", "u4")) {
      requests.pipeInput(u, Fixtures.request("r2-" + u, u, Fixtures.itemId(5, 0)).build());
    }
    assertThat(generated.readValuesToList()).hasSize(4);
    for (GeneratedImage a : answers) {
      Interaction like =
          Interaction.newBuilder(
                  Fixtures.interaction(a.getUserId(), a.getImageId(), Action.LIKE, 100))
              .setGeneratedImageId(a.getImageId())
              .build();
      interactions.pipeInput(a.getUserId(), like);
    }
    org.apache.kafka.streams.state.KeyValueStore<String, VariantResults> results =
        driver.getKeyValueStore(PigeonTopology.RESULTS_STORE);
    long users = 0;
    for (String v : List.of("control", "no-mask")) {
      long n = answers.stream().filter(a -> a.getExperimentVariant().equals(v)).count();
      VariantResults r = results.get("mask-vs-none|" + v);
      if (n == 0) {
        assertThat(r).isNull();
        continue;
      }
      MetricMoments like = r.getMetrics().get("like_rate");
      assertThat(like.getN()).isEqualTo(n);
      assertThat(like.getSum()).isEqualTo((double) n);
      assertThat(like.getDenominatorSum()).isEqualTo(2.0 * n);
      assertThat(like.getDenominatorSumSquares()).isEqualTo(4.0 * n);
      assertThat(like.getCrossSum()).isEqualTo(2.0 * n);
      assertThat(ExperimentMapping.moments(like).mean()).isEqualTo(0.5);
      MetricMoments perUser = r.getMetrics().get("exposures_per_user");
      assertThat(perUser.getN()).isEqualTo(n);
      assertThat(perUser.getSum()).isEqualTo(2.0 * n);
      assertThat(r.getMetrics().get("skip_rate").getSum()).isZero();
      users += n;
    }
    assertThat(users).isEqualTo(4);
    // And the topic's latest cumulative record per key is what the store holds
    java.util.Map<String, MetricMoments> published = this.results.readKeyValuesToMap();
    assertThat(published.values()).anySatisfy(m -> assertThat(m.getWindowStart()).isNotNull());
    for (String v : List.of("control", "no-mask")) {
      VariantResults r = results.get("mask-vs-none|" + v);
      if (r != null) {
        assertThat(published.get(PigeonTopology.resultKey("mask-vs-none", v, "like_rate")))
            .isEqualTo(r.getMetrics().get("like_rate"));
      }
    }
  }

  @Test
  void shouldLeaveUsersOutsideCoverageOrStoppedExperimentsAloneWithoutExposure() {
    experiments.pipeInput("off", experiment("off", 1.0, ExperimentStatus.STOPPED));
    experiments.pipeInput("none", experiment("none", 0.0, ExperimentStatus.RUNNING));
    requests.pipeInput("u1", Fixtures.request("r1", "u1", Fixtures.itemId(5, 0)).build());
    GeneratedImage a = generated.readValue();
    assertThat(a.getExperimentId()).isNull();
    assertThat(a.getExperimentVariant()).isEqualTo("control"); // the configured default arm
    assertThat(exposures.isEmpty()).isTrue();
  }

  @Test
  void shouldAnswerAVariantWhoseModelCannotBeLoadedRejectedWithTheReasonAndItsExposure() {
    Experiment e = experiment("v2", 1.0, ExperimentStatus.RUNNING);
    e.setVariants(
        List.of(
            new Variant("control", 0.0, null, null, null, null, null),
            new Variant("v2", 1.0, null, null, null, "pigeon@0123abcd", null)));
    experiments.pipeInput(e.getId(), e);
    requests.pipeInput("u1", Fixtures.request("r1", "u1", Fixtures.itemId(5, 0)).build());
    GeneratedImage a = generated.readValue();
    assertThat(a.getExperimentVariant()).isEqualTo("v2");
    assertThat(a.getStatus()).isEqualTo(io.pigeonstreams.avro.Status.REJECTED);
    assertThat(a.getReason()).contains("pigeon@0123abcd").contains("cannot be served");
    Exposure x = exposures.readValue();
    assertThat(x.getRequestId()).isEqualTo("r1");
    assertThat(x.getStatus()).isEqualTo(io.pigeonstreams.avro.Status.REJECTED);
  }

  @Test
  void shouldFlagASampleRatioMismatchInTheMetricsWhenTheWeightsChangeUnderRunningUsers() {
    // Given users split 50/50, the engine's check is quiet
    Experiment e = experiment("reweighted", 1.0, ExperimentStatus.RUNNING);
    experiments.pipeInput(e.getId(), e);
    for (String u : List.of("u1", "u2", "u3", "u4")) {
      requests.pipeInput(u, Fixtures.request("r-" + u, u, Fixtures.itemId(5, 0)).build());
    }
    assertThat(gauge("pigeon.experiment.srm", "reweighted")).isZero();
    assertThat(gauge("pigeon.experiment.srm.p", "reweighted")).isPositive();

    // When the definition moves all weight to the control while users sit in the other arm
    e.setVariants(
        List.of(
            new Variant("control", 1.0, null, null, null, null, null),
            new Variant("no-mask", 0.0, 0.0, null, null, null, null)));
    experiments.pipeInput(e.getId(), e);
    for (String u : List.of("u1", "u2", "u3", "u4")) {
      requests.pipeInput(u, Fixtures.request("r2-" + u, u, Fixtures.itemId(5, 0)).build());
    }

    // Then the mismatch shows in the metrics (the no-mask users no longer fit any weight)
    ExperimentPlan before =
        ExperimentMapping.experimentPlan(experiment("reweighted", 1.0, ExperimentStatus.RUNNING));
    boolean someoneInNoMask =
        List.of("u1", "u2", "u3", "u4").stream()
            .anyMatch(u -> before.variantOf(u).name().equals("no-mask"));
    assertThat(someoneInNoMask).isTrue();
    assertThat(gauge("pigeon.experiment.srm", "reweighted")).isEqualTo(1.0);
    assertThat(gauge("pigeon.experiment.srm.p", "reweighted")).isZero();
  }
}
