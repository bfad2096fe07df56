package io.pigeonstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.DeadLetter;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.avro.PreferenceScores;
import io.pigeonstreams.avro.PreferenceSource;
import io.pigeonstreams.avro.Scenario;
import io.pigeonstreams.avro.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {

  static final Instant NOW = Instant.ofEpochMilli(1_767_225_600_123L);
  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};

  static final PreferenceScores SCORES = new PreferenceScores(0.81, 0.64);

  static final Interaction INTERACTION =
      Interaction.newBuilder()
          .setUserId("user-42")
          .setItemId("img-7f3a")
          .setAction(Action.LIKE)
          .setTimestamp(NOW)
          .setGeneratedImageId("img-7f3a")
          .build();

  static final GenerationRequest REQUEST =
      GenerationRequest.newBuilder()
          .setRequestId("req-0001")
          .setUserId("user-42")
          .setReferenceImage(ByteBuffer.wrap(PNG))
          .setInstruction("the same pigeon, wearing a tiny crown")
          .setScenario(Scenario.POSTER)
          .setAlphaH(0.3)
          .setTimestamp(NOW)
          .setCandidates(4)
          .setExperimentVariant("B")
          .build();

  static final GeneratedImage IMAGE =
      GeneratedImage.newBuilder()
          .setRequestId("req-0001")
          .setUserId("user-42")
          .setImageId("img-7f3a")
          .setStatus(Status.OK)
          .setImage(ByteBuffer.wrap(PNG))
          .setModelVersion("pigeon-dpo-2026-01-01")
          .setExperimentVariant("B")
          .setHistoryItemIds(List.of("emoji-1f600", "emoji-1f426", "emoji-1f99c"))
          .setMaskedHistoryItemIds(List.of("emoji-1f426"))
          .setAlphaH(0.3)
          .setAlphaR(0.5)
          .setScores(SCORES)
          .setLatencyMs(1834)
          .setTimestamp(NOW)
          .build();

  /** A future Interaction: Action has a symbol this build does not know. Not a kept version. */
  static final String FUTURE_INTERACTION =
      """
      {"type": "record", "name": "Interaction", "namespace": "io.pigeonstreams.avro",
       "fields": [
         {"name": "userId", "type": "string"},
         {"name": "itemId", "type": "string"},
         {"name": "action", "type": {"type": "enum", "name": "Action",
           "symbols": ["UNKNOWN", "VIEW", "CLICK", "LIKE", "SHARE", "SAVE", "DISLIKE", "SKIP",
                       "BOOKMARK"],
           "default": "UNKNOWN"}},
         {"name": "timestamp", "type": {"type": "long", "logicalType": "timestamp-millis"}},
         {"name": "generatedImageId", "type": ["null", "string"], "default": null},
         {"name": "dwellMs", "type": "long", "default": 0}
       ]}
      """;

  static Stream<SpecificRecord> records() {
    return Stream.of(
        Item.newBuilder()
            .setItemId("emoji-1f600")
            .setImage(ByteBuffer.wrap(PNG))
            .setCaption("grinning face")
            .setCategory("Smileys & Emotion")
            .setStyle("noto")
            .setCreatedAt(NOW)
            .build(),
        Item.newBuilder()
            .setItemId("emoji-1f99c")
            .setImageUri("s3://pigeon-items/emoji-1f99c.png")
            .setCaption("parrot")
            .build(),
        INTERACTION,
        Interaction.newBuilder()
            .setUserId("user-42")
            .setItemId("emoji-1f600")
            .setAction(Action.SKIP)
            .setTimestamp(NOW)
            .build(),
        REQUEST,
        GenerationRequest.newBuilder()
            .setRequestId("req-0002")
            .setUserId("user-7")
            .setReferenceItemId("emoji-1f426")
            .setAlphaR(0.0)
            .setTimestamp(NOW)
            .build(),
        IMAGE,
        GeneratedImage.newBuilder()
            .setRequestId("req-0003")
            .setUserId("user-9")
            .setImageId("none")
            .setStatus(Status.REJECTED)
            .setReason("instruction is empty and no reference given")
            .setModelVersion("pigeon-dpo-2026-01-01")
            .setTimestamp(NOW)
            .build(),
        PreferencePair.newBuilder()
            .setPairId("pair-0001")
            .setUserId("user-42")
            .setRequestId("req-0001")
            .setHistoryItemIds(List.of("emoji-1f600", "emoji-1f426"))
            .setReferenceItemId("emoji-1f99c")
            .setInstruction("wearing a crown")
            .setChosenAlphaR(0.25)
            .setRejectedAlphaR(0.75)
            .setChosenImage(ByteBuffer.wrap(PNG))
            .setChosenTokens(List.of(17, 4095, 0, 233))
            .setRejectedTokens(List.of(5, 5, 8191))
            .setChosenScores(SCORES)
            .setRejectedScores(new PreferenceScores(0.40, 0.90))
            .setSource(PreferenceSource.USER_FEEDBACK)
            .setModelVersion("pigeon-dpo-2026-01-01")
            .setTimestamp(NOW)
            .build(),
        SCORES,
        DeadLetter.newBuilder()
            .setSourceTopic("generation-requests")
            .setPartition(3)
            .setOffset(1_234_567_890_123L)
            .setKey(ByteBuffer.wrap("user-42".getBytes()))
            .setValue(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 0x7f}))
            .setReason("cannot decode GenerationRequest from topic generation-requests")
            .setExceptionClass(SerializationException.class.getName())
            .setTimestamp(NOW)
            .build(),
        DeadLetter.newBuilder()
            .setSourceTopic("interactions")
            .setPartition(0)
            .setOffset(0)
            .setReason("tombstone on a non-compacted topic")
            .setTimestamp(NOW)
            .build());
  }

  @ParameterizedTest
  @MethodSource("records")
  void shouldRoundTripEveryRecordTypeInSingleObjectEncoding(SpecificRecord record) {
    // Given the serde of the record's class
    AvroSerde<SpecificRecord> serde = serdeOf(record);

    // When the record is serialized and deserialized
    byte[] bytes = serde.serialize("some-topic", record);
    SpecificRecord back = serde.deserialize("some-topic", bytes);

    // Then the bytes are single-object encoded with the current schema's fingerprint
    assertThat(Arrays.copyOf(bytes, 2)).containsExactly(0xC3, 0x01);
    assertThat(SchemaVersions.fingerprint(record.getSchema()))
        .isEqualTo(String.format("0x%016x", fingerprintOf(bytes)));
    // And the record comes back equal, as an instance of the generated class
    assertThat(back).isInstanceOf(record.getClass()).isNotSameAs(record).isEqualTo(record);
    // And the bytes are Avro's own single-object encoding, both ways (the serde writes and reads
    // them with its own coders)
    org.apache.avro.specific.SpecificData model =
        org.apache.avro.specific.SpecificData.getForClass(record.getClass());
    byte[] avros;
    try {
      java.nio.ByteBuffer b =
          new org.apache.avro.message.BinaryMessageEncoder<SpecificRecord>(
                  model, record.getSchema())
              .encode(record);
      avros = Arrays.copyOfRange(b.array(), b.arrayOffset(), b.arrayOffset() + b.remaining());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(bytes).isEqualTo(avros);
    assertThat(serde.deserialize("some-topic", avros)).isEqualTo(record);
  }

  @Test
  void shouldKeepBytesArraysAndNullableFieldsThroughARoundTrip() {
    // Given a generated image with bytes, arrays, a nested record, and unset nullable fields
    AvroSerde<GeneratedImage> serde = new AvroSerde<>(GeneratedImage.class);

    // When it round trips
    GeneratedImage back =
        serde.deserialize("generated-images", serde.serialize("generated-images", IMAGE));

    // Then every field holds the same value
    assertThat(bytesOf(back.getImage())).containsExactly(PNG);
    assertThat(back.getHistoryItemIds())
        .containsExactly("emoji-1f600", "emoji-1f426", "emoji-1f99c");
    assertThat(back.getMaskedHistoryItemIds()).containsExactly("emoji-1f426");
    assertThat(back.getScores().getPersonalization()).isEqualTo(0.81);
    assertThat(back.getReason()).isNull();
    assertThat(back.getImageUri()).isNull();
    assertThat(back.getStatus()).isEqualTo(Status.OK);
    assertThat(back.getTimestamp()).isEqualTo(NOW);
    assertThat(back.getLatencyMs()).isEqualTo(1834L);
  }

  @Test
  void shouldReadARequestWrittenWithSchemaV1WithTheNewFieldsDefaults() throws IOException {
    // Given a request written by an old producer with schemas/versions/GenerationRequest/v1.avsc
    Schema v1 = classPathSchema("/schemas/versions/GenerationRequest/v1.avsc");
    assertThat(v1.getField("candidates")).isNull();
    GenericRecord old = new GenericData.Record(v1);
    old.put("requestId", "req-v1");
    old.put("userId", "user-42");
    old.put("referenceItemId", "emoji-1f426");
    old.put("referenceImage", ByteBuffer.wrap(PNG));
    old.put("instruction", "as a sticker");
    old.put("scenario", new GenericData.EnumSymbol(Scenario.getClassSchema(), "STICKER"));
    old.put("alphaH", 0.5);
    old.put("alphaR", null);
    old.put("timestamp", NOW.toEpochMilli());
    byte[] bytes = encode(v1, old);

    // When the current serde reads it
    GenerationRequest request =
        new AvroSerde<>(GenerationRequest.class).deserialize("generation-requests", bytes);

    // Then the fields v2 added take their defaults and the others are kept
    assertThat(request.getCandidates())
        .isZero(); // the engine's default (pigeon.candidates.default)
    assertThat(request.getExperimentVariant()).isNull();
    assertThat(request.getRequestId()).isEqualTo("req-v1");
    assertThat(request.getReferenceItemId()).isEqualTo("emoji-1f426");
    assertThat(bytesOf(request.getReferenceImage())).containsExactly(PNG);
    assertThat(request.getScenario()).isEqualTo(Scenario.STICKER);
    assertThat(request.getAlphaH()).isEqualTo(0.5);
    assertThat(request.getAlphaR()).isNull();
    assertThat(request.getTimestamp()).isEqualTo(NOW);
    // And it is the kept version that made this possible: without it the fingerprint is unknown
    AvroSerde<GenerationRequest> withoutVersions =
        new AvroSerde<>(GenerationRequest.class, new SchemaStore.Cache(), List.of());
    assertThatThrownBy(() -> withoutVersions.deserialize("generation-requests", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown schema fingerprint " + SchemaVersions.fingerprint(v1));
  }

  @Test
  void shouldReadAnActionAddedByAFutureSchemaAsUnknown() {
    // Given an interaction written with a future schema whose Action has the symbol BOOKMARK
    Schema future = new Schema.Parser().parse(FUTURE_INTERACTION);
    GenericRecord bookmark = new GenericData.Record(future);
    bookmark.put("userId", "user-42");
    bookmark.put("itemId", "emoji-1f600");
    bookmark.put(
        "action", new GenericData.EnumSymbol(future.getField("action").schema(), "BOOKMARK"));
    bookmark.put("timestamp", NOW.toEpochMilli());
    bookmark.put("generatedImageId", null);
    bookmark.put("dwellMs", 2500L);
    byte[] bytes = encode(future, bookmark);
    // And serdes that know that schema, as an extra schema or through their store
    SchemaStore.Cache store = SchemaVersions.store();
    store.addSchema(future);
    List<AvroSerde<Interaction>> serdes =
        List.of(
            new AvroSerde<>(Interaction.class, SchemaVersions.store(), List.of(future)),
            new AvroSerde<>(Interaction.class, store, List.of()));

    for (AvroSerde<Interaction> serde : serdes) {
      // When the current serde reads it
      Interaction interaction = serde.deserialize("interactions", bytes);

      // Then the unknown symbol reads as the enum's default and the rest is kept
      assertThat(interaction.getAction()).isEqualTo(Action.UNKNOWN);
      assertThat(interaction.getUserId()).isEqualTo("user-42");
      assertThat(interaction.getItemId()).isEqualTo("emoji-1f600");
      assertThat(interaction.getTimestamp()).isEqualTo(NOW);
      assertThat(interaction.getGeneratedImageId()).isNull();
    }
  }

  @Test
  void shouldRefuseAFutureSchemaItDoesNotKnowNamingTheTopicAndTheFingerprint() {
    // Given an interaction written with a schema that is not among the kept versions
    Schema future = new Schema.Parser().parse(FUTURE_INTERACTION);
    GenericRecord view = new GenericData.Record(future);
    view.put("userId", "user-42");
    view.put("itemId", "emoji-1f600");
    view.put("action", new GenericData.EnumSymbol(future.getField("action").schema(), "VIEW"));
    view.put("timestamp", NOW.toEpochMilli());
    view.put("dwellMs", 0L);
    byte[] bytes = encode(future, view);

    // When the default serde reads it
    // Then it fails naming the topic, the fingerprint and where versions are kept
    assertThatThrownBy(() -> new AvroSerde<>(Interaction.class).deserialize("interactions", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("cannot decode Interaction from topic interactions")
        .hasMessageContaining("unknown schema fingerprint " + SchemaVersions.fingerprint(future))
        .hasMessageContaining("schemas/versions");
  }

  @Test
  void shouldRefuseBytesWithAnUnknownFingerprint() {
    // Given the single-object marker followed by a fingerprint no schema has
    byte[] bytes = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 2, 'x'};

    // When it is deserialized, then the message names the topic and the fingerprint
    assertThatThrownBy(
            () ->
                new AvroSerde<>(GenerationRequest.class).deserialize("generation-requests", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic generation-requests")
        .hasMessageContaining("unknown schema fingerprint 0x0807060504030201");
  }

  @Test
  void shouldRefuseGarbageBytesNamingTheTopic() {
    AvroSerde<Item> serde = new AvroSerde<>(Item.class);
    // Given bytes that are not single-object encoded: JSON, nothing, a cut header
    for (byte[] garbage :
        List.of(
            "{\"itemId\": \"emoji-1f600\"}".getBytes(),
            new byte[0],
            new byte[] {(byte) 0xC3, 0x01, 9, 9})) {
      // When they are deserialized, then the failure names the topic and the expected header
      assertThatThrownBy(() -> serde.deserialize("items", garbage))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("cannot decode Item from topic items")
          .hasMessageContaining("not an Avro single-object encoded record");
    }
  }

  @Test
  void shouldRefuseTruncatedBytesNamingTheTopic() {
    // Given a valid request cut short in its last string
    AvroSerde<GenerationRequest> serde = new AvroSerde<>(GenerationRequest.class);
    byte[] bytes = serde.serialize("generation-requests", REQUEST);
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 1);

    // When it is deserialized, then it fails as truncated, naming the topic
    assertThatThrownBy(() -> serde.deserialize("generation-requests", truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("cannot decode GenerationRequest from topic generation-requests")
        .hasMessageContaining("truncated");
  }

  @Test
  void shouldSayWhichTypeWasWrittenWhenTheTopicHoldsAnotherRecordType() {
    // Given an interaction's bytes
    byte[] bytes = new AvroSerde<>(Interaction.class).serialize("interactions", INTERACTION);

    // When the request serde reads them, then the message names both types
    assertThatThrownBy(
            () ->
                new AvroSerde<>(GenerationRequest.class).deserialize("generation-requests", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic generation-requests")
        .hasMessageContaining("written as io.pigeonstreams.avro.Interaction")
        .hasMessageContaining("io.pigeonstreams.avro.GenerationRequest");
  }

  @Test
  void shouldRefuseToEncodeARecordMissingARequiredFieldNamingTheTopic() {
    // Given a request whose required userId is null (builders refuse it, setters do not)
    GenerationRequest broken = GenerationRequest.newBuilder(REQUEST).build();
    broken.setUserId(null);

    // When it is serialized, then it fails naming the topic
    assertThatThrownBy(
            () -> new AvroSerde<>(GenerationRequest.class).serialize("generation-requests", broken))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("cannot encode GenerationRequest for topic generation-requests")
        .hasMessageContaining("userId");
  }

  @Test
  void shouldMapNullToNullBothWays() {
    // Given a serde
    AvroSerde<Item> serde = new AvroSerde<>(Item.class);

    // When a tombstone goes through, then it stays null
    assertThat(serde.serialize("items", null)).isNull();
    assertThat(serde.deserialize("items", null)).isNull();
    assertThat(serde.serializer().serialize("items", null)).isNull();
    assertThat(serde.deserializer().deserialize("items", null)).isNull();
  }

  @Test
  void shouldServeManyThreadsWithOneInstance() throws Exception {
    // Given one serde shared by 8 threads, each with its own requests
    AvroSerde<GenerationRequest> serde = new AvroSerde<>(GenerationRequest.class);
    // (one template per thread: Avro's deep copy of a ByteBuffer moves its position)
    List<GenerationRequest> templates = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      templates.add(GenerationRequest.newBuilder(REQUEST).build());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  int ok = 0;
                  for (int i = 0; i < 500; i++) {
                    GenerationRequest request =
                        GenerationRequest.newBuilder(templates.get(thread))
                            .setRequestId("req-" + thread + "-" + i)
                            .setInstruction("x".repeat(i % 50))
                            .setCandidates(i % 7 + 1)
                            .build();
                    // When each round trips its records concurrently
                    byte[] bytes = serde.serialize("generation-requests", request);
                    if (serde.deserialize("generation-requests", bytes).equals(request)) {
                      ok++;
                    }
                  }
                  return ok;
                }));
      }
      // Then every record comes back intact
      for (Future<Integer> result : results) {
        assertThat(result.get()).isEqualTo(500);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @SuppressWarnings("unchecked")
  private static AvroSerde<SpecificRecord> serdeOf(SpecificRecord record) {
    return new AvroSerde<>((Class<SpecificRecord>) record.getClass());
  }

  private static byte[] encode(Schema schema, GenericRecord record) {
    try {
      return bytesOf(
          new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Schema classPathSchema(String resource) throws IOException {
    try (InputStream in = AvroSerdeTest.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return new Schema.Parser().addTypes(List.of(Scenario.getClassSchema())).parse(in);
    }
  }

  private static long fingerprintOf(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static byte[] bytesOf(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
