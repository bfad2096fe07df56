package io.pigeonstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.ModelUpdate;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.ModelStore;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot swap on a real broker (issue #12): a version announced on model-updates is loaded, checked
 * and swapped in while requests keep coming; a corrupt one is refused while the old one serves; a
 * rollback swaps back; a second instance of the same application converges to the same versions.
 * Every request is answered exactly once, stamped with the version that made it.
 */
@Tag("integration")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ModelSwapTest {

  private static final String REFERENCE = "openmoji/ref";

  @Test
  void shouldSwapToAnnouncedVersionsRefuseACorruptOneAndRollBack(@TempDir Path tmp)
      throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      Path storeDir = tmp.resolve("store");
      EngineConfig config =
          EngineConfig.of(
              Map.of(
                  "bootstrap.servers",
                  kafka.bootstrapServers(),
                  "application.id",
                  "pigeon-swap-" + UUID.randomUUID(),
                  "state.dir",
                  tmp.resolve("state").toString(),
                  "pigeon.topics.partitions",
                  "1",
                  "pigeon.model.store",
                  storeDir.toString()));
      ModelStore store = new ModelStore(storeDir);
      Path models = Path.of("models", "pigeon");
      EngineConfig second =
          EngineConfig.of(
              Map.of(
                  "bootstrap.servers",
                  kafka.bootstrapServers(),
                  "application.id",
                  config.get("application.id"),
                  "state.dir",
                  tmp.resolve("state-2").toString(),
                  "pigeon.topics.partitions",
                  "1",
                  "pigeon.model.store",
                  storeDir.toString()));
      try (PigeonEngine engine = new PigeonEngine(config, EngineComponents.of(config));
          PigeonEngine other = new PigeonEngine(second, EngineComponents.of(second));
          TopicProducer producer = TopicProducer.connect(kafka.bootstrapServers(), 5)) {
        engine.start();
        other.start();
        assertThat(engine.awaitReady(Duration.ofSeconds(60))).isTrue();
        String stage1 = engine.modelVersion();
        assertThat(stage1).startsWith("pigeon-sft@");
        Topics topics = engine.topics();
        StickerDataset ds = TestData.dataset();
        for (int e = 0; e < 5; e++) {
          producer.send(
              topics.items, "google/" + e, EngineScenario.item("google/" + e, ds.image(e, 0)));
        }
        producer.send(topics.items, REFERENCE, EngineScenario.item(REFERENCE, ds.image(5, 2)));
        producer.flush();
        await(() -> engine.catalogStore().get(REFERENCE) != null, "catalog");
        for (int e = 0; e < 5; e++) {
          producer.send(
              topics.interactions, "u1", Records.interaction("u1", "google/" + e, Action.LIKE, e));
        }
        producer.flush();

        // When stage 2 is published while requests arrive
        int sent = 0;
        for (; sent < 5; sent++) {
          producer.send(
              topics.requests, "u1", Records.request("r" + sent, "u1", REFERENCE).build());
        }
        producer.flush();
        ModelUpdate stage2 = store.add(models, "pigeon", stage1, Map.of(), "publish");
        ModelStore.announce(kafka.bootstrapServers(), config.asMap(), stage2);
        for (; sent < 10; sent++) {
          producer.send(
              topics.requests, "u1", Records.request("r" + sent, "u1", REFERENCE).build());
          producer.flush();
          Thread.sleep(300);
        }
        // Then both instances swap to it
        await(() -> engine.modelVersion().equals(stage2.getVersion()), "swap to stage 2");
        await(() -> other.modelVersion().equals(stage2.getVersion()), "second instance swaps");
        assertThat(Files.readString(Path.of(stage2.getLocation()).resolve("card.md")))
            .contains("| parent | " + stage1);

        // When a version whose weights do not match its digest is announced
        ModelUpdate corrupt =
            ModelUpdate.newBuilder(store.add(models, "pigeon-sft", null, Map.of(), "publish"))
                .setDigest("000000000000")
                .setVersion("pigeon-sft@000000000000")
                .build();
        ModelStore.announce(kafka.bootstrapServers(), config.asMap(), corrupt);
        await(() -> engine.scrape().contains("outcome=\"refused\""), "refusal");
        // Then it is refused and stage 2 keeps serving
        assertThat(engine.modelVersion()).isEqualTo(stage2.getVersion());
        producer.send(
            topics.requests, "u1", Records.request("r" + sent++, "u1", REFERENCE).build());
        producer.flush();

        // When stage 1 is announced again (a rollback), the engine goes back to it
        ModelStore.announce(
            kafka.bootstrapServers(), config.asMap(), store.find(stage1, null, "rollback"));
        await(() -> engine.modelVersion().equals(stage1), "rollback to stage 1");
        await(() -> other.modelVersion().equals(stage1), "second instance rolls back");
        producer.send(
            topics.requests, "u1", Records.request("r" + sent++, "u1", REFERENCE).build());
        producer.flush();

        // And every request was answered exactly once, by one of the versions
        List<GeneratedImage> answers =
            CommittedReader.read(
                kafka.bootstrapServers(),
                topics.generated.name(),
                topics.generated.valueSerde().deserializer(),
                sent,
                Duration.ofSeconds(90),
                Duration.ofSeconds(2));
        Map<String, GeneratedImage> byRequest = new HashMap<>();
        answers.forEach(a -> assertThat(byRequest.put(a.getRequestId(), a)).isNull());
        assertThat(byRequest).hasSize(sent);
        assertThat(answers).allSatisfy(a -> assertThat(a.getStatus()).isEqualTo(Status.OK));
        assertThat(answers)
            .extracting(GeneratedImage::getModelVersion)
            .containsOnly(stage1, stage2.getVersion())
            .contains(stage2.getVersion());
        assertThat(byRequest.get("r" + (sent - 2)).getModelVersion())
            .isEqualTo(stage2.getVersion());
        assertThat(byRequest.get("r" + (sent - 1)).getModelVersion()).isEqualTo(stage1);
      }
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(condition, what, Duration.ofSeconds(90));
  }
}
