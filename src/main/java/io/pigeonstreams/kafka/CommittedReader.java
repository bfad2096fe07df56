package io.pigeonstreams.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what the engine committed to a topic, as a downstream consumer would ({@code
 * isolation.level=read_committed}), from the beginning, with a throwaway group.
 */
public final class CommittedReader {

  private CommittedReader() {}

  /**
   * Polls until {@code expected} records arrived (or {@code timeout}), then {@code quiet} longer to
   * catch any extra (duplicate) record; with {@code expected == 0}, reads for {@code quiet}.
   */
  public static <V> List<V> read(
      String bootstrapServers,
      String topic,
      Deserializer<V> deserializer,
      int expected,
      Duration timeout,
      Duration quiet) {
    return read(ClientConfig.of(bootstrapServers), topic, deserializer, expected, timeout, quiet);
  }

  /** {@link #read(String, String, Deserializer, int, Duration, Duration)} with client settings. */
  public static <V> List<V> read(
      java.util.Map<String, Object> client,
      String topic,
      Deserializer<V> deserializer,
      int expected,
      Duration timeout,
      Duration quiet) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "pigeon-reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<V> out = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), deserializer)) {
      consumer.subscribe(List.of(topic));
      long now = System.currentTimeMillis();
      long deadline = now + timeout.toMillis();
      long quietUntil = expected == 0 ? now + quiet.toMillis() : Long.MAX_VALUE;
      while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
        for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(r.value());
        }
        if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.currentTimeMillis() + quiet.toMillis();
        }
      }
    }
    return out;
  }

  /**
   * Every committed record of {@code topic} written at or after {@code since} (null: from the
   * beginning) up to the end offsets at the time of the call, with their keys; records that cannot
   * be decoded are skipped and counted in the log.
   */
  public static <V> List<org.apache.kafka.clients.consumer.ConsumerRecord<String, V>> readToEnd(
      String bootstrapServers,
      String topic,
      Deserializer<V> deserializer,
      java.time.Instant since) {
    return readToEnd(ClientConfig.of(bootstrapServers), topic, deserializer, since);
  }

  /** {@link #readToEnd(String, String, Deserializer, java.time.Instant)} with client settings. */
  public static <V> List<org.apache.kafka.clients.consumer.ConsumerRecord<String, V>> readToEnd(
      java.util.Map<String, Object> client,
      String topic,
      Deserializer<V> deserializer,
      java.time.Instant since) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, V>> out = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), deserializer)) {
      List<org.apache.kafka.common.TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(partitions);
      java.util.Map<org.apache.kafka.common.TopicPartition, Long> end =
          consumer.endOffsets(partitions);
      if (since == null) {
        consumer.seekToBeginning(partitions);
      } else {
        java.util.Map<org.apache.kafka.common.TopicPartition, Long> times =
            new java.util.HashMap<>();
        partitions.forEach(tp -> times.put(tp, since.toEpochMilli()));
        consumer
            .offsetsForTimes(times)
            .forEach((tp, o) -> consumer.seek(tp, o == null ? end.get(tp) : o.offset()));
      }
      long deadline = System.currentTimeMillis() + 120_000;
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
          && System.currentTimeMillis() < deadline) {
        try {
          for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
            out.add(r);
          }
        } catch (org.apache.kafka.common.errors.RecordDeserializationException e) {
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    }
    return out;
  }
}
