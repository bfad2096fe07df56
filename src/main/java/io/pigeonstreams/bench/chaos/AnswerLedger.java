package io.pigeonstreams.bench.chaos;

import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.topology.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Every committed answer (read_committed, from the beginning of {@code generated-images}), counted
 * per request: an answer read twice for one request is a duplicate, a request never answered is
 * missing. Keeps when each answer could be read and on which partition, for the progress gaps and
 * fail-over times.
 */
public final class AnswerLedger implements AutoCloseable {

  /** A committed answer: when it could be read ({@link System#nanoTime()}) and where. */
  public record Arrival(String requestId, int partition, long readNanos, Status status) {}

  private final String bootstrapServers;
  private final Topic<String, GeneratedImage> topic;
  private final Map<String, Integer> copies = new HashMap<>();
  private final List<Arrival> arrivals = new ArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;

  public AnswerLedger(String bootstrapServers, Topic<String, GeneratedImage> topic) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.thread = new Thread(this::run, "chaos-answers");
    this.thread.setDaemon(true);
  }

  public void start() throws InterruptedException {
    thread.start();
    if (!ready.await(30, TimeUnit.SECONDS) || failure != null) {
      throw new IllegalStateException("cannot read " + topic.name() + ": " + failure, failure);
    }
  }

  /** Requests answered at least once. */
  public synchronized int answered() {
    return copies.size();
  }

  /** How many committed answers each request has. */
  public synchronized Map<String, Integer> copies() {
    return new HashMap<>(copies);
  }

  public synchronized List<Arrival> arrivals() {
    return new ArrayList<>(arrivals);
  }

  public synchronized Map<Status, Integer> statuses() {
    Map<Status, Integer> out = new EnumMap<>(Status.class);
    arrivals.forEach(a -> out.merge(a.status(), 1, Integer::sum));
    return out;
  }

  /** Whether every one of {@code requestIds} has an answer. */
  public synchronized boolean answeredAll(Iterable<String> requestIds) {
    for (String id : requestIds) {
      if (!copies.containsKey(id)) {
        return false;
      }
    }
    return true;
  }

  public void requireHealthy() {
    if (failure != null) {
      throw new IllegalStateException("reading answers failed: " + failure, failure);
    }
  }

  private void run() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "chaos-answers-" + UUID.randomUUID());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
    Deserializer<GeneratedImage> values = topic.valueSerde().deserializer();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic.name()));
      ready.countDown();
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          long now = System.nanoTime();
          GeneratedImage image = values.deserialize(topic.name(), r.value());
          if (image != null) {
            synchronized (this) {
              copies.merge(image.getRequestId(), 1, Integer::sum);
              arrivals.add(
                  new Arrival(image.getRequestId(), r.partition(), now, image.getStatus()));
            }
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
