package io.pigeonstreams.workload;

import io.pigeonstreams.topology.Topic;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends records to the engine's input topics as a client would: String keys, values encoded by each
 * topic's own serde (so a value is the bytes the engine reads), {@code acks=all}. Also sends bytes
 * no serde wrote, for the dead-letter path.
 */
public final class TopicProducer implements AutoCloseable {

  private final Producer<String, byte[]> producer;

  /** Wraps a producer (a {@code MockProducer} in unit tests); {@link #close()} closes it. */
  public TopicProducer(Producer<String, byte[]> producer) {
    this.producer = producer;
  }

  /**
   * A producer to {@code bootstrapServers}.
   *
   * @param lingerMs how long a record may wait for others in its batch: 0 sends each at once (for
   *     timed requests), a few ms batches bulk loads
   */
  public static TopicProducer connect(String bootstrapServers, int lingerMs) {
    return connect(io.pigeonstreams.kafka.ClientConfig.of(bootstrapServers), lingerMs);
  }

  /** A producer with {@code client} settings (bootstrap servers and security). */
  public static TopicProducer connect(java.util.Map<String, Object> client, int lingerMs) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    return new TopicProducer(
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer()));
  }

  /** The record for {@code value}, encoded by the topic's value serde, not sent yet. */
  public static <V> ProducerRecord<String, byte[]> record(
      Topic<String, V> topic, String key, V value) {
    return new ProducerRecord<>(
        topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value));
  }

  public <V> void send(Topic<String, V> topic, String key, V value) {
    producer.send(record(topic, key, value));
  }

  /** Sends a record built before (e.g. by {@link #record}). */
  public void send(ProducerRecord<String, byte[]> record) {
    producer.send(record);
  }

  /** Sends a record built before, and says how it went. */
  public void send(
      ProducerRecord<String, byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
    producer.send(record, callback);
  }

  /** Bytes that no serde wrote: the engine cannot decode them and dead-letters them. */
  public void sendUndecodable(Topic<String, ?> topic, String key, byte[] bytes) {
    producer.send(new ProducerRecord<>(topic.name(), key, bytes));
  }

  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
