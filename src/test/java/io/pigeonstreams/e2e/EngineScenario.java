package io.pigeonstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.DeadLetter;
import io.pigeonstreams.avro.FeedbackExample;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.topology.Topic;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.TopicProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/**
 * The engine end to end on a real broker: catalog, interactions and requests in; exactly one
 * committed answer per request (read_committed) and reasoned dead letters out. Runs on the
 * in-process KRaft broker and, where Docker runs, on a container.
 */
abstract class EngineScenario {

  protected abstract String bootstrapServers();

  private static final String REFERENCE = "openmoji/ref";

  @Test
  void shouldAnswerEveryRequestExactlyOnceAndDeadLetterWhatItCannotRead() throws Exception {
    Path state = Files.createTempDirectory("pigeon-e2e-state");
    EngineConfig config =
        EngineConfig.of(
            Map.of(
                "bootstrap.servers",
                bootstrapServers(),
                "application.id",
                "pigeon-e2e-" + UUID.randomUUID(),
                "state.dir",
                state.toString(),
                "pigeon.topics.partitions",
                "2"));
    // the product's default: the committed Pigeon model
    EngineComponents components = EngineComponents.of(config);
    try (PigeonEngine engine = new PigeonEngine(config, components)) {
      // Given a running engine
      engine.start();
      assertThat(engine.awaitReady(Duration.ofSeconds(60))).isTrue();
      Topics topics = engine.topics();

      try (TopicProducer producer = TopicProducer.connect(bootstrapServers(), 5)) {
        // And a catalog of real emoji, and a user who liked five of them
        StickerDataset ds = TestData.dataset();
        for (int e = 0; e < 5; e++) {
          producer.send(topics.items, "google/" + e, item("google/" + e, ds.image(e, 0)));
        }
        producer.send(topics.items, REFERENCE, item(REFERENCE, ds.image(5, 2)));
        producer.flush();
        await(
            () ->
                engine.catalogStore().get(REFERENCE) != null
                    && engine.catalogStore().get("google/4") != null,
            "catalog loaded");
        for (int e = 0; e < 5; e++) {
          producer.send(
              topics.interactions, "u1", Records.interaction("u1", "google/" + e, Action.LIKE, e));
        }
        producer.flush();
        await(
            () -> {
              var h = engine.historyStore().get("u1");
              return h != null && h.getPositives().size() == 5;
            },
            "history built");

        // When requests arrive (a normal one, a cold start, an invalid one) among garbage
        producer.send(topics.requests, "u1", request("r-ok", "u1").build());
        producer.send(topics.requests, "u2", request("r-cold", "u2").build());
        producer.send(topics.requests, "u1", request("r-bad", "u1").setAlphaH(1.5).build());
        producer.send(topics.requests, "u1", request("r-sweep", "u1").setCandidates(11).build());
        producer.sendUndecodable(topics.interactions, "u1", new byte[] {1, 2, 3});
        producer.sendUndecodable(topics.requests, "u1", new byte[] {4, 5, 6});
        producer.flush();
      }

      // Then each request has exactly one committed answer, with the right status
      List<GeneratedImage> answers =
          consume(topics.generated.name(), topics.generated.valueSerde().deserializer(), 4);
      Map<String, GeneratedImage> byRequest = new HashMap<>();
      answers.forEach(a -> assertThat(byRequest.put(a.getRequestId(), a)).isNull());
      assertThat(byRequest.keySet())
          .containsExactlyInAnyOrder("r-ok", "r-cold", "r-bad", "r-sweep");
      assertThat(byRequest.get("r-ok").getStatus()).isEqualTo(Status.OK);
      assertThat(byRequest.get("r-ok").getHistoryItemIds()).hasSize(5);
      assertThat(byRequest.get("r-ok").getModelVersion())
          .startsWith(io.pigeonstreams.generate.pigeon.PigeonComponents.DEFAULT_CHECKPOINT + "@");
      assertThat(byRequest.get("r-ok").getAlphaH()).isEqualTo(0.2);
      assertThat(byRequest.get("r-ok").getAlphaR()).isEqualTo(0.5);
      // the sweep publishes its best candidate and sends best and worst as a preference pair
      assertThat(byRequest.get("r-sweep").getStatus()).isEqualTo(Status.OK);
      assertThat(byRequest.get("r-sweep").getAlphaR()).isBetween(0.0, 1.0);
      List<PreferencePair> pairs =
          consume(topics.pairs.name(), topics.pairs.valueSerde().deserializer(), 1);
      assertThat(pairs).hasSize(1);
      assertThat(pairs.get(0).getRequestId()).isEqualTo("r-sweep");
      assertThat(pairs.get(0).getModelVersion()).isEqualTo(engine.modelVersion());
      // chosen by the product's balanced rule: the rejected side is not better on both scores
      var chosen = pairs.get(0).getChosenScores();
      var rejected = pairs.get(0).getRejectedScores();
      assertThat(
              chosen.getPersonalization() > rejected.getPersonalization()
                  || chosen.getSemanticAlignment() > rejected.getSemanticAlignment())
          .as("chosen %s not dominated by rejected %s", chosen, rejected)
          .isTrue();
      assertThat(byRequest.get("r-cold").getStatus()).isEqualTo(Status.COLD_START);
      assertThat(byRequest.get("r-bad").getStatus()).isEqualTo(Status.REJECTED);
      assertThat(byRequest.get("r-bad").getReason()).contains("alpha_h must be in [0, 1]");

      // When u1 likes its sticker, and reacts to an image that was never served
      String imageId = byRequest.get("r-ok").getImageId();
      try (TopicProducer producer = TopicProducer.connect(bootstrapServers(), 5)) {
        producer.send(topics.interactions, "u1", feedback("u1", imageId, Action.LIKE));
        producer.send(topics.interactions, "u1", feedback("u1", "no-such-image", Action.LIKE));
        producer.flush();
      }
      // Then the like is a labelled example with the image's prompt
      List<FeedbackExample> labels =
          consume(
              topics.feedbackLabels.name(), topics.feedbackLabels.valueSerde().deserializer(), 1);
      assertThat(labels).hasSize(1);
      assertThat(labels.get(0).getImageId()).isEqualTo(imageId);
      assertThat(labels.get(0).getLabel()).isTrue();
      assertThat(labels.get(0).getReferenceItemId()).isEqualTo(REFERENCE);
      assertThat(labels.get(0).getTokens()).hasSize(64);

      // And the garbage is in the dead-letter topics with its reason and bytes, the reaction to
      // an unknown image with its own reason
      for (String source : List.of(topics.interactions.name(), topics.requests.name())) {
        boolean interactions = source.equals(topics.interactions.name());
        List<DeadLetter> letters =
            consume(
                Topic.deadLetterTopic(source),
                topics.deadLetterSerde.deserializer(),
                interactions ? 2 : 1);
        assertThat(letters).hasSize(interactions ? 2 : 1);
        assertThat(letters.get(0).getSourceTopic()).isEqualTo(source);
        assertThat(letters.get(0).getReason()).startsWith("cannot decode");
        assertThat(letters.get(0).getValue().remaining()).isEqualTo(3);
        if (interactions) {
          assertThat(letters.get(1).getReason())
              .contains("feedback on generated image 'no-such-image': unknown or expired");
        }
      }

      // And /metrics has the engine's meters and the Kafka Streams metrics that matter (node-level
      // ones appear at the binder's next refresh, every 5 s)
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!engine.scrape().contains("record_e2e_latency_avg") && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      String metrics = engine.scrape();
      assertThat(metrics)
          .contains("pigeon_batch_requests_count")
          .contains("pigeon_queue_wait_seconds")
          .contains("pigeon_inference_seconds")
          .contains("pigeon_stage_seconds_count{stage=\"generate\"")
          .contains(
              "pigeon_outputs_total{model_version=\"" + engine.modelVersion() + "\",status=\"OK\"}")
          .contains(
              "pigeon_outputs_total{model_version=\""
                  + engine.modelVersion()
                  + "\",status=\"REJECTED\"}")
          .contains("kafka_stream_thread_process_rate")
          .contains("kafka_stream_thread_commit_latency_avg")
          .contains("kafka_consumer_fetch_manager_records_lag_max")
          .contains("record_e2e_latency_avg");
    }
  }

  private static Interaction feedback(String user, String imageId, Action action) {
    return Interaction.newBuilder(Records.interaction(user, imageId, action, 1_000))
        .setGeneratedImageId(imageId)
        .build();
  }

  /** Reads a topic with read_committed until {@code expected} records, then 2 s more for extras. */
  private <V> List<V> consume(String topic, Deserializer<V> deserializer, int expected) {
    return CommittedReader.read(
        bootstrapServers(),
        topic,
        deserializer,
        expected,
        Duration.ofSeconds(60),
        Duration.ofSeconds(2));
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(condition, what, Duration.ofSeconds(60));
  }

  /** A catalog item whose style is its id's prefix ({@code style/name}). */
  static Item item(String id, float[] image) {
    return Records.item(id, image, id, "", id.substring(0, id.indexOf('/')));
  }

  private static GenerationRequest.Builder request(String id, String user) {
    return Records.request(id, user, REFERENCE);
  }
}
