package io.pigeonstreams.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde of a generated Avro record class in the Confluent wire format: a magic byte 0, the
 * writer schema's 4-byte big-endian registry id, then the Avro binary datum. Subjects follow the
 * TopicNameStrategy ({@code <topic>-value}). The writer's schema is registered (after the
 * registry's compatibility check) or looked up once per subject; a reader resolves any registered
 * writer schema into the current class, as the single-object format does with the kept versions.
 *
 * <p>{@code null} maps to {@code null} both ways. A payload that cannot be read raises a {@link
 * SerializationException} with the reason, so that the dead-letter handler can record it.
 */
public final class RegistryAvroSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {

  static final byte MAGIC = 0;

  private final Class<T> type;
  private final Schema schema;
  private final RegistryClient registry;
  private final boolean register;
  private final SpecificDatumWriter<T> writer;
  private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

  /**
   * @param register register the schema under each topic's subject (else only look it up)
   */
  public RegistryAvroSerde(Class<T> type, RegistryClient registry, boolean register) {
    this.type = type;
    this.schema = SpecificData.get().getSchema(type);
    this.registry = registry;
    this.register = register;
    this.writer = new SpecificDatumWriter<>(schema, SpecificData.getForClass(type));
  }

  public Schema schema() {
    return schema;
  }

  /** The TopicNameStrategy subject of {@code topic}'s values. */
  public static String subject(String topic) {
    return topic + "-value";
  }

  /**
   * Registers (or looks up) the schema under {@code topic}'s subject now, so that an incompatible
   * schema stops the engine at start with the subject and the reason.
   *
   * @return the schema's id
   */
  public int prepare(String topic) {
    return registry.idFor(subject(topic), schema, register);
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    int id;
    try {
      id = prepare(topic);
    } catch (RegistryClient.RegistryException e) {
      throw new SerializationException(e.getMessage(), e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(MAGIC);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(data, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot encode " + type.getSimpleName() + " for topic " + topic + ": " + e, e);
    }
    return out.toByteArray();
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length < 5 || data[0] != MAGIC) {
      throw failure(
          topic,
          String.format(
              "not in the Confluent wire format (%d bytes, first byte %s; expected 0x00 and a"
                  + " 4-byte schema id)",
              data.length, data.length == 0 ? "none" : String.format("0x%02x", data[0])),
          null);
    }
    int id = ByteBuffer.wrap(data, 1, 4).getInt();
    SpecificDatumReader<T> reader;
    try {
      reader =
          readers.computeIfAbsent(
              id,
              k ->
                  new SpecificDatumReader<>(
                      registry.schema(k), schema, SpecificData.getForClass(type)));
    } catch (RuntimeException e) {
      throw failure(topic, "writer schema id " + id + " unavailable: " + e.getMessage(), e);
    }
    try {
      return reader.read(null, DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, null));
    } catch (IOException | RuntimeException e) {
      throw failure(topic, "malformed datum for schema id " + id + ": " + e, e);
    }
  }

  private SerializationException failure(String topic, String reason, Exception cause) {
    return new SerializationException(
        "cannot decode " + type.getSimpleName() + " from topic " + topic + ": " + reason, cause);
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // configured by SerdeFactory
  }

  @Override
  public void close() {
    // the registry client is shared
  }

  @Override
  public String toString() {
    return "RegistryAvroSerde[" + type.getName() + "]";
  }
}
