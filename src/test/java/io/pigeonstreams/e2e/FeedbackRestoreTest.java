package io.pigeonstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.FeedbackExample;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.Interaction;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images kept for feedback survive the loss of an instance's state: after the state directory
 * is wiped, served-images is restored from its changelog and a reaction to an image published
 * before the wipe is still joined (issue #12). Runs on the retrieval components: the stores, not
 * the model, are under test.
 */
@Tag("integration")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FeedbackRestoreTest {

  @Test
  void shouldJoinFeedbackOnAnImagePublishedBeforeTheStateWasWiped(@TempDir Path tmp)
      throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      Path state = tmp.resolve("state");
      EngineConfig config =
          EngineConfig.of(
              Map.of(
                  "bootstrap.servers",
                  kafka.bootstrapServers(),
                  "application.id",
                  "pigeon-restore-" + UUID.randomUUID(),
                  "state.dir",
                  state.toString(),
                  "pigeon.topics.partitions",
                  "1",
                  "pigeon.generator",
                  "nearest-history"));
      StickerDataset ds = TestData.dataset();
      String imageId;
      Topics topics;
      // Given an engine that published an image for u1
      try (PigeonEngine engine = new PigeonEngine(config, EngineComponents.of(config));
          TopicProducer producer = TopicProducer.connect(kafka.bootstrapServers(), 5)) {
        engine.start();
        assertThat(engine.awaitReady(Duration.ofSeconds(60))).isTrue();
        topics = engine.topics();
        for (int e = 0; e < 4; e++) {
          producer.send(
              topics.items, "google/" + e, EngineScenario.item("google/" + e, ds.image(e, 0)));
          producer.send(
              topics.interactions, "u1", Records.interaction("u1", "google/" + e, Action.LIKE, e));
        }
        producer.flush();
        Thread.sleep(2000);
        producer.send(topics.requests, "u1", Records.request("r1", "u1", "google/3").build());
        producer.flush();
        List<GeneratedImage> answers =
            CommittedReader.read(
                kafka.bootstrapServers(),
                topics.generated.name(),
                topics.generated.valueSerde().deserializer(),
                1,
                Duration.ofSeconds(60),
                Duration.ofMillis(200));
        imageId = answers.get(0).getImageId();
      }

      // When its state directory is lost and it starts again
      Directories.deleteRecursively(state);
      assertThat(Files.exists(state)).isFalse();
      try (PigeonEngine engine = new PigeonEngine(config, EngineComponents.of(config));
          TopicProducer producer = TopicProducer.connect(kafka.bootstrapServers(), 5)) {
        engine.start();
        assertThat(engine.awaitReady(Duration.ofSeconds(60))).isTrue();
        producer.send(
            topics.interactions,
            "u1",
            Interaction.newBuilder(Records.interaction("u1", imageId, Action.LIKE, 10))
                .setGeneratedImageId(imageId)
                .build());
        producer.flush();

        // Then the like is joined with the image, restored from the changelog
        List<FeedbackExample> labels =
            CommittedReader.read(
                kafka.bootstrapServers(),
                topics.feedbackLabels.name(),
                topics.feedbackLabels.valueSerde().deserializer(),
                1,
                Duration.ofSeconds(60),
                Duration.ofMillis(500));
        assertThat(labels).hasSize(1);
        assertThat(labels.get(0).getImageId()).isEqualTo(imageId);
        assertThat(labels.get(0).getHistoryItemIds()).hasSize(4);
        assertThat(labels.get(0).getReferenceItemId()).isEqualTo("google/3");
      }
    }
  }
}
