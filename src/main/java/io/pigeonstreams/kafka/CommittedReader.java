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
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
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
}
