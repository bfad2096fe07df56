package io.pigeonstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.Interaction;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Confluent wire format against an in-test registry, read back by an independent reader. */
class RegistryAvroSerdeTest {

  private final InTestSchemaRegistry registry;
  private final RegistryClient client;

  RegistryAvroSerdeTest() throws Exception {
    registry = new InTestSchemaRegistry();
    client = new RegistryClient(registry.url(), null);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private static Interaction like() {
    return Interaction.newBuilder()
        .setUserId("u1")
        .setItemId("google/1")
        .setAction(Action.LIKE)
        .setTimestamp(Instant.ofEpochMilli(1000))
        .build();
  }

  @Test
  void shouldWriteMagicByteAndIdThatAnIndependentReaderDecodes() throws Exception {
    RegistryAvroSerde<Interaction> serde = new RegistryAvroSerde<>(Interaction.class, client, true);

    byte[] bytes = serde.serialize("interactions", like());

    // the wire format: 0x00, the id the registry gave the subject interactions-value, then Avro
    assertThat(bytes[0]).isZero();
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    assertThat(registry.subjects()).containsExactly("interactions-value");
    // an independent reader: the writer schema from the registry by id, Avro's generic reader
    Schema writer = new RegistryClient(registry.url(), null).schema(id);
    GenericRecord r =
        new GenericDatumReader<GenericRecord>(writer)
            .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    assertThat(r.get("userId").toString()).isEqualTo("u1");
    assertThat(r.get("action").toString()).isEqualTo("LIKE");
    // and the serde reads it back; ids are cached: a second record asks the registry nothing
    int asked = registry.requests();
    assertThat(serde.deserialize("interactions", serde.serialize("interactions", like())))
        .isEqualTo(like());
    assertThat(registry.requests()).isEqualTo(asked);
  }

  @Test
  void shouldResolveAnOlderRegisteredWriterIntoTheCurrentClass() throws Exception {
    // a producer still on GeneratedImage v1 registered its schema and wrote a record
    Schema v1 = SchemaVersions.onClassPath().byPath().get("versions/GeneratedImage/v1.avsc");
    assertThat(v1).isNotNull();
    int id = registry.register("generated-images-value", v1);
    GenericRecord old = new GenericData.Record(v1);
    for (Schema.Field f : v1.getFields()) {
      if (f.hasDefaultValue()) {
        old.put(f.name(), GenericData.get().getDefaultValue(f));
      }
    }
    old.put("requestId", "r1");
    old.put("userId", "u1");
    old.put("imageId", "i1");
    old.put("modelVersion", "m");
    old.put("status", new GenericData.EnumSymbol(v1.getField("status").schema(), "OK"));
    old.put("timestamp", 5L);
    old.put("latencyMs", 3L);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(v1).write(old, enc);
    enc.flush();

    GeneratedImage read =
        new RegistryAvroSerde<>(GeneratedImage.class, client, true)
            .deserialize("generated-images", out.toByteArray());

    assertThat(read.getRequestId()).isEqualTo("r1");
    assertThat(read.getAlternativeImageId()).isNull(); // added after v1: its default
  }

  @Test
  void shouldRefuseASchemaTheRegistryFindsIncompatibleNamingSubjectAndReason() {
    // the subject's latest version lacks userId, which the current schema requires
    Schema other =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Interaction\",\"namespace\":\"io.pigeonstreams.avro\","
                    + "\"fields\":[{\"name\":\"itemId\",\"type\":\"string\"}]}");
    registry.register("interactions-value", other);
    RegistryAvroSerde<Interaction> serde = new RegistryAvroSerde<>(Interaction.class, client, true);

    assertThatThrownBy(() -> serde.prepare("interactions"))
        .isInstanceOf(RegistryClient.RegistryException.class)
        .hasMessageContaining("subject 'interactions-value'")
        .hasMessageContaining("userId");
  }

  @Test
  void shouldExplainBytesItCannotRead() {
    RegistryAvroSerde<Interaction> serde = new RegistryAvroSerde<>(Interaction.class, client, true);
    assertThatThrownBy(
            () -> serde.deserialize("interactions", new byte[] {(byte) 0xC3, 1, 2, 3, 4}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("not in the Confluent wire format");
    assertThatThrownBy(() -> serde.deserialize("interactions", new byte[] {0, 0, 0, 0, 99, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema id 99");
    byte[] good = serde.serialize("interactions", like());
    byte[] truncated = java.util.Arrays.copyOf(good, 8);
    assertThatThrownBy(() -> serde.deserialize("interactions", truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("malformed datum");
  }

  @Test
  void shouldOnlyLookUpWhenNotRegistering() {
    RegistryAvroSerde<Interaction> serde =
        new RegistryAvroSerde<>(Interaction.class, client, false);
    assertThatThrownBy(() -> serde.prepare("interactions"))
        .isInstanceOf(RegistryClient.RegistryException.class)
        .hasMessageContaining("40403");
    registry.register("interactions-value", Interaction.getClassSchema());
    assertThat(serde.prepare("interactions")).isEqualTo(1);
  }
}
