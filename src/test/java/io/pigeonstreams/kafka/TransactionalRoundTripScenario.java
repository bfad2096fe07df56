package io.pigeonstreams.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.kafka.TopicAdmin.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The exactly-once round trip the engine relies on, written once and run against every kind of
 * broker we test with (in-process KRaft, Testcontainers): committed transactions are visible to
 * {@code read_committed} consumers and aborted ones are not.
 */
@Tag("integration")
@Timeout(120)
abstract class TransactionalRoundTripScenario {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  /** The broker under test. */
  abstract String bootstrapServers();

  @Test
  void shouldReadAllCommittedRecordsWithReadCommitted() {
    // Given a fresh topic
    String topic = createTopic();

    // When ten records are sent in one transaction that is committed
    try (Producer<String, String> producer = transactionalProducer()) {
      producer.initTransactions();
      producer.beginTransaction();
      send(producer, topic, "committed", 10);
      producer.commitTransaction();
    }

    // Then a read_committed consumer gets all ten
    List<ConsumerRecord<String, String>> read = readAll(topic, IsolationLevel.READ_COMMITTED);
    assertThat(read)
        .extracting(ConsumerRecord::value)
        .containsExactlyInAnyOrderElementsOf(values("committed", 10));
  }

  @Test
  void shouldHideAnAbortedTransactionFromReadCommittedConsumers() {
    // Given a topic holding one committed transaction of ten records
    String topic = createTopic();
    try (Producer<String, String> producer = transactionalProducer()) {
      producer.initTransactions();
      producer.beginTransaction();
      send(producer, topic, "committed", 10);
      producer.commitTransaction();

      // When a second transaction writes five records to the log and is then aborted
      producer.beginTransaction();
      send(producer, topic, "aborted", 5);
      producer.flush();
      producer.abortTransaction();
    }

    // Then a read_committed consumer sees only the committed ten
    assertThat(readAll(topic, IsolationLevel.READ_COMMITTED))
        .extracting(ConsumerRecord::value)
        .containsExactlyInAnyOrderElementsOf(values("committed", 10));
    // and the aborted five really are in the log, as a read_uncommitted consumer shows
    List<String> all =
        readAll(topic, IsolationLevel.READ_UNCOMMITTED).stream()
            .map(ConsumerRecord::value)
            .toList();
    assertThat(all).hasSize(15).containsAll(values("aborted", 5));
  }

  private String createTopic() {
    String topic = "tx-" + UUID.randomUUID();
    try (TopicAdmin admin = TopicAdmin.connect(bootstrapServers())) {
      admin.ensureTopics(List.of(TopicSpec.of(topic, 3, 1)));
    }
    return topic;
  }

  private Producer<String, String> transactionalProducer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            "tx-test-" + UUID.randomUUID(),
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        new StringSerializer());
  }

  private static void send(Producer<String, String> producer, String topic, String prefix, int n) {
    for (String value : values(prefix, n)) {
      producer.send(
          new ProducerRecord<>(topic, "user-" + Math.floorMod(value.hashCode(), 7), value));
    }
  }

  private static List<String> values(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
  }

  /**
   * Reads every partition from the beginning up to its end offset as seen with {@code isolation}
   * (the last stable offset for read_committed), without a consumer group.
   */
  private List<ConsumerRecord<String, String>> readAll(String topic, IsolationLevel isolation) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (Consumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (!partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
        assertThat(System.nanoTime())
            .as(
                "read %s up to %s within %s, got %d records",
                topic, end, READ_TIMEOUT, records.size())
            .isLessThan(deadline);
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    return records;
  }
}
