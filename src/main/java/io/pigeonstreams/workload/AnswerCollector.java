package io.pigeonstreams.workload;

import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.topology.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads committed answers (read_committed) from the end of {@code generated-images} as they come,
 * matching them to the requests it was told about, and calls back once per matched answer. Answers
 * to requests it does not know (earlier runs on the same broker) are ignored.
 */
public final class AnswerCollector implements AutoCloseable {

  /** A committed answer and how long after its request was sent it could be read. */
  public record Answer(GeneratedImage image, double endToEndMs) {}

  private final String bootstrapServers;
  private final Topic<String, GeneratedImage> topic;
  private final int partitions;
  private final Runnable onAnswer;
  private final Map<String, Long> pending = new ConcurrentHashMap<>();
  private final List<Answer> answers = new ArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;

  public AnswerCollector(
      String bootstrapServers,
      Topic<String, GeneratedImage> topic,
      int partitions,
      Runnable onAnswer) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.partitions = partitions;
    this.onAnswer = onAnswer;
    this.thread = new Thread(this::run, "bench-answers");
    this.thread.setDaemon(true);
  }

  /** Starts reading; returns once positioned at the current end of every partition. */
  public void start() throws InterruptedException {
    thread.start();
    if (!ready.await(30, TimeUnit.SECONDS) || failure != null) {
      throw new IllegalStateException("cannot read " + topic.name() + ": " + failure, failure);
    }
  }

  /** A request about to be sent, at {@code sentNanos} ({@link System#nanoTime()}). */
  public void expect(String requestId, long sentNanos) {
    pending.put(requestId, sentNanos);
  }

  public synchronized List<Answer> answers() {
    return new ArrayList<>(answers);
  }

  public synchronized int count() {
    return answers.size();
  }

  /** Waits until {@code expected} answers arrived; false on timeout. */
  public boolean awaitCount(int expected, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count() < expected) {
      if (failure != null) {
        throw new IllegalStateException("reading answers failed: " + failure, failure);
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  private void run() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-answers-" + UUID.randomUUID());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    Deserializer<GeneratedImage> values = topic.valueSerde().deserializer();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        tps.add(new TopicPartition(topic.name(), i));
      }
      consumer.assign(tps);
      consumer.seekToEnd(tps);
      tps.forEach(consumer::position); // resolve the end now, before any request is sent
      ready.countDown();
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
          long now = System.nanoTime();
          GeneratedImage image = values.deserialize(topic.name(), r.value());
          Long sent = image == null ? null : pending.remove(image.getRequestId());
          if (sent != null) {
            synchronized (this) {
              answers.add(new Answer(image, (now - sent) / 1e6));
            }
            onAnswer.run();
          }
        }
      }
    } catch (Throwable t) {
      failure = t;
      ready.countDown();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(TimeUnit.SECONDS.toMillis(10));
  }
}
