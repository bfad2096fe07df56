package io.pigeonstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.serde.InTestSchemaRegistry;
import io.pigeonstreams.serde.RegistryClient;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.TopicProducer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine in registry mode ({@code serde.format=registry}) on a real broker with the in-test
 * registry (the REST subset every registry serves): its schemas are registered under
 * TopicNameStrategy subjects at start, its answers are in the Confluent wire format and an
 * independent reader decodes them with the schema the registry gives for their id; a schema the
 * registry finds incompatible stops the start with the subject and the reason.
 */
class RegistryModeTest {

  private static EngineConfig config(
      EmbeddedKafkaCluster kafka, InTestSchemaRegistry registry, Path state, String app) {
    return EngineConfig.of(
        Map.of(
            "bootstrap.servers",
            kafka.bootstrapServers(),
            "application.id",
            app,
            "state.dir",
            state.toString(),
            "pigeon.topics.partitions",
            "2",
            "serde.format",
            "registry",
            "schema.registry.url",
            registry.url()));
  }

  @Test
  void shouldAnswerInTheConfluentWireFormatThatAnIndependentReaderDecodes(@TempDir Path state)
      throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start();
        InTestSchemaRegistry registry = new InTestSchemaRegistry()) {
      answerAndDecode(kafka.bootstrapServers(), registry.url(), state);
      assertThat(registry.subjects())
          .contains("generation-requests-value", "generated-images-value", "interactions-value");
    }
  }

  /**
   * Runs the engine in registry mode against {@code bootstrap} and the registry at {@code url},
   * asks for one sticker and decodes the answer's bytes with Avro's generic reader and the schema
   * the registry gives for the id in them.
   */
  static void answerAndDecode(String bootstrap, String url, Path state) throws Exception {
    EngineConfig config =
        EngineConfig.of(
            Map.of(
                "bootstrap.servers",
                bootstrap,
                "application.id",
                "pigeon-registry-mode",
                "state.dir",
                state.toString(),
                "pigeon.topics.partitions",
                "2",
                "serde.format",
                "registry",
                "schema.registry.url",
                url));
    try (PigeonEngine engine = new PigeonEngine(config, EngineComponents.retrieval())) {
      engine.start();
      assertThat(engine.awaitReady(Duration.ofSeconds(60))).isTrue();
      Topics topics = engine.topics();
      try (TopicProducer producer = TopicProducer.connect(bootstrap, 5)) {
        TinyCatalog.load(engine, producer, 3);
        producer.send(
            topics.interactions, "u1", Records.interaction("u1", "google/0", Action.LIKE, 1));
        producer.send(
            topics.interactions, "u1", Records.interaction("u1", "google/1", Action.LIKE, 2));
        producer.send(topics.requests, "u1", Records.request("r1", "u1", "google/2").build());
        producer.flush();
      }
      List<byte[]> raw =
          CommittedReader.read(
              bootstrap,
              topics.generated.name(),
              new ByteArrayDeserializer(),
              1,
              Duration.ofSeconds(60),
              Duration.ofMillis(200));
      assertThat(raw).hasSize(1);
      byte[] bytes = raw.get(0);
      assertThat(bytes[0]).isZero();
      int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
      Schema writer = new RegistryClient(url, null).schema(id);
      GenericRecord answer =
          new GenericDatumReader<GenericRecord>(writer)
              .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
      assertThat(answer.get("requestId").toString()).isEqualTo("r1");
      assertThat(answer.get("status").toString()).isEqualTo("OK");
      assertThat(answer.get("modelVersion").toString()).isEqualTo("nearest-history-v1");
    }
  }

  @Test
  void shouldRefuseToStartWhenTheRegistryFindsASchemaIncompatible(@TempDir Path state)
      throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start();
        InTestSchemaRegistry registry = new InTestSchemaRegistry()) {
      // another producer owns generated-images-value with a record lacking what ours requires
      registry.register(
          "generated-images-value",
          new Schema.Parser()
              .parse(
                  "{\"type\":\"record\",\"name\":\"GeneratedImage\",\"namespace\":\"x\","
                      + "\"fields\":[{\"name\":\"imageId\",\"type\":\"string\"}]}"));
      EngineConfig config = config(kafka, registry, state, "pigeon-registry-incompatible");
      try (PigeonEngine engine = new PigeonEngine(config, EngineComponents.retrieval())) {
        assertThatThrownBy(engine::start)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("generated-images-value")
            .hasMessageContaining("requestId");
        assertThat(engine.isReady()).isFalse();
      }
    }
  }
}
