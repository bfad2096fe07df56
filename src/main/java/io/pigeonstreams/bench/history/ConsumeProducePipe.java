package io.pigeonstreams.bench.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The baseline: a plain exactly-once consume→produce loop, what the engine's history path costs at
 * the least on the same broker. One consumer (read_committed) on every partition of the source, one
 * transactional producer copying each record to the same partition of the target, offsets sent with
 * the transaction, a commit every {@code commitIntervalMs} as Kafka Streams does under {@code
 * exactly_once_v2}. Client settings follow Kafka Streams' defaults for its own clients ({@code
 * max.poll.records=1000}, {@code linger.ms=100}, {@code transaction.timeout.ms=10000}).
 */
final class ConsumeProducePipe implements AutoCloseable {

  private final String bootstrapServers;
  private final String groupId;
  private final String source;
  private final String target;
  private final int partitions;
  private final long commitIntervalNanos;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long readyNanos;
  private volatile Throwable failure;
  private volatile long copied;

  ConsumeProducePipe(
      String bootstrapServers,
      String groupId,
      String source,
      String target,
      int partitions,
      long commitIntervalMs) {
    this.bootstrapServers = bootstrapServers;
    this.groupId = groupId;
    this.source = source;
    this.target = target;
    this.partitions = partitions;
    this.commitIntervalNanos = TimeUnit.MILLISECONDS.toNanos(commitIntervalMs);
    this.thread = new Thread(this::run, "bench-pipe");
    this.thread.setDaemon(true);
  }

  /** Starts the loop; returns once its clients are set up and it is about to poll. */
  void start(Duration timeout) throws InterruptedException {
    thread.start();
    if (!ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "the pipe did not start within " + timeout.toSeconds() + " s");
    }
    if (failure != null) {
      throw new IllegalStateException("the pipe failed to start: " + failure, failure);
    }
  }

  /** {@link System#nanoTime()} when the loop began polling. */
  long readyNanos() {
    return readyNanos;
  }

  boolean failed() {
    return failure != null;
  }

  long copied() {
    return copied;
  }

  private void run() {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-consumer");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, groupId + "-producer");
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, groupId + "-txn");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 100);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    try (KafkaConsumer<byte[], byte[]> cons =
            new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        tps.add(new TopicPartition(source, i));
      }
      cons.assign(tps);
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      producer.beginTransaction();
      readyNanos = System.nanoTime();
      long lastCommit = readyNanos;
      ready.countDown();
      long n = 0;
      while (running) {
        ConsumerRecords<byte[], byte[]> records = cons.poll(Duration.ofMillis(100));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          producer.send(
              new ProducerRecord<>(
                  target, r.partition(), r.timestamp(), r.key(), r.value(), r.headers()));
          offsets.put(
              new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
          n++;
        }
        long now = System.nanoTime();
        if (now - lastCommit >= commitIntervalNanos) {
          if (!offsets.isEmpty()) {
            producer.sendOffsetsToTransaction(offsets, cons.groupMetadata());
            producer.commitTransaction();
            copied = n;
            offsets.clear();
            producer.beginTransaction();
          }
          lastCommit = now;
        }
      }
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(offsets, cons.groupMetadata());
        producer.commitTransaction();
        copied = n;
      } else {
        producer.abortTransaction();
      }
    } catch (Throwable t) {
      failure = t;
      ready.countDown();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false; // the loop polls at most 100 ms at a time
    thread.join(TimeUnit.SECONDS.toMillis(30));
  }
}
