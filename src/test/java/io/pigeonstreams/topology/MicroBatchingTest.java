package io.pigeonstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.avro.PendingRequest;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.generate.retrieval.NearestHistoryGenerator;
import io.pigeonstreams.metrics.EngineMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Micro-batching on TopologyTestDriver: requests wait in the pending-requests store until B are
 * pending or the oldest has waited D (wall clock), and a batch is one generator call.
 */
class MicroBatchingTest {

  /** The retrieval generator, recording each call's batch and failing on request "boom". */
  static final class RecordingGenerator implements ImageGenerator {
    final ImageGenerator inner = new NearestHistoryGenerator();
    final List<List<String>> batches = new ArrayList<>();

    @Override
    public String modelVersion() {
      return inner.modelVersion();
    }

    @Override
    public List<Candidate> generate(GenerationContext context) {
      if (context.requestId().equals("boom")) {
        throw new IllegalStateException("model failed on boom");
      }
      return inner.generate(context);
    }

    @Override
    public List<List<Candidate>> generateAll(List<GenerationContext> contexts) {
      batches.add(contexts.stream().map(GenerationContext::requestId).toList());
      List<List<Candidate>> out = new ArrayList<>();
      for (GenerationContext c : contexts) {
        out.add(generate(c));
      }
      return out;
    }
  }

  private final RecordingGenerator generator = new RecordingGenerator();
  private TopologyTestDriver driver;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private TestInputTopic<String, GenerationRequest> requests;
  private TestOutputTopic<String, GeneratedImage> generated;

  private void start(int batchRequests, int delayMs) {
    start(batchRequests, delayMs, Integer.MAX_VALUE);
  }

  private void start(int batchRequests, int delayMs, int batchImages) {
    Topics topics = Fixtures.topics();
    Batching batching =
        new Batching(batchRequests, batchImages, Duration.ofMillis(delayMs), Duration.ofSeconds(2));
    driver =
        new TopologyTestDriver(
            Fixtures.topology(topics, generator, batching, new EngineMetrics(registry)),
            Fixtures.streamsProperties());
    TestInputTopic<String, Item> items =
        driver.createInputTopic(
            topics.items.name(), new StringSerializer(), topics.items.valueSerde().serializer());
    TestInputTopic<String, Interaction> interactions =
        driver.createInputTopic(
            topics.interactions.name(),
            new StringSerializer(),
            topics.interactions.valueSerde().serializer());
    requests =
        driver.createInputTopic(
            topics.requests.name(),
            new StringSerializer(),
            topics.requests.valueSerde().serializer());
    generated =
        driver.createOutputTopic(
            topics.generated.name(),
            new StringDeserializer(),
            topics.generated.valueSerde().deserializer());
    for (int e = 0; e < 4; e++) {
      items.pipeInput(Fixtures.itemId(e, 0), Fixtures.item(e, 0));
      interactions.pipeInput(
          "u1", Fixtures.interaction("u1", Fixtures.itemId(e, 0), Action.LIKE, 10 + e));
    }
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  private void request(String id) {
    request(id, 1);
  }

  private void request(String id, int candidates) {
    requests.pipeInput(
        "u1", Fixtures.request(id, "u1", Fixtures.itemId(3, 0)).setCandidates(candidates).build());
  }

  private long pending() {
    KeyValueStore<String, PendingRequest> store =
        driver.getKeyValueStore(PigeonTopology.PENDING_STORE);
    return store.approximateNumEntries();
  }

  @Test
  void shouldAnswerAFullBatchInOneGeneratorCall() {
    start(4, 60_000);
    request("r0");
    request("r1");
    request("r2");
    assertThat(generated.isEmpty()).isTrue();
    assertThat(pending()).isEqualTo(3);

    request("r3");

    assertThat(generated.readValuesToList())
        .extracting(GeneratedImage::getRequestId)
        .containsExactly("r0", "r1", "r2", "r3");
    assertThat(generator.batches).containsExactly(List.of("r0", "r1", "r2", "r3"));
    assertThat(pending()).isZero();
    // and the meters saw one batch of four requests, four OK answers
    assertThat(registry.scrape())
        .contains("pigeon_batch_requests_count 1")
        .contains("pigeon_batch_requests_sum 4.0")
        .contains("pigeon_queue_wait_seconds_count 4")
        .contains("pigeon_outputs_total{model_version=\"nearest-history-v1\",status=\"OK\"} 4.0")
        .contains("pigeon_pending 0.0");
  }

  @Test
  void shouldAnswerAPartialBatchOnceTheOldestHasWaitedTheDelay() {
    start(8, 200);
    request("r0");
    request("r1");
    driver.advanceWallClockTime(Duration.ofMillis(100));
    assertThat(generated.isEmpty()).isTrue();

    driver.advanceWallClockTime(Duration.ofMillis(150));

    assertThat(generated.readValuesToList())
        .extracting(GeneratedImage::getRequestId)
        .containsExactly("r0", "r1");
    assertThat(generator.batches).containsExactly(List.of("r0", "r1"));
    assertThat(pending()).isZero();
  }

  @Test
  void shouldRejectOnlyTheRequestsThatCannotBeServed() {
    start(4, 60_000);
    request("r0");
    requests.pipeInput("u1", Fixtures.request("bad", "u1", "no/such-item").build());
    request("boom");
    request("r3");

    List<GeneratedImage> answers = generated.readValuesToList();

    assertThat(answers)
        .extracting(GeneratedImage::getRequestId, GeneratedImage::getStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("r0", Status.OK),
            org.assertj.core.groups.Tuple.tuple("bad", Status.REJECTED),
            org.assertj.core.groups.Tuple.tuple("boom", Status.REJECTED),
            org.assertj.core.groups.Tuple.tuple("r3", Status.OK));
    assertThat(answers.get(2).getReason()).contains("generation failed").contains("boom");
    // the batch of three valid requests failed, then each was retried alone
    assertThat(generator.batches.get(0)).containsExactly("r0", "boom", "r3");
    assertThat(generator.batches.subList(1, 4))
        .containsExactly(List.of("r0"), List.of("boom"), List.of("r3"));
  }

  @Test
  void shouldCutABatchAtTheImagesThatFitTheTransactionBudget() {
    // Given micro-batches of at most 4 requests and 5 candidate images (what the engine's
    // BatchingPolicy gives a 40 ms-per-image generator: PigeonEngineTest)
    start(4, 60_000, 5);

    // When requests for 2, 2, 1 and 3 candidates arrive
    request("r0", 2);
    request("r1", 2);
    assertThat(generator.batches).isEmpty();
    request("r2", 1);
    request("r3", 3);

    // Then the first three (5 images) are one batch and the fourth waits for its own
    assertThat(generator.batches).containsExactly(List.of("r0", "r1", "r2"));
    assertThat(pending()).isEqualTo(1);
  }
}
