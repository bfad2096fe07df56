package io.pigeonstreams.bench.chaos;

import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.TopicProducer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Requests at a fixed rate whatever the engine does (open loop: a slow or absent engine does not
 * slow the senders down), as users keep asking during an outage. Each request is counted as sent
 * once the broker acknowledged it ({@code acks=all}); one the producer finally failed to send is
 * counted apart, since no engine could have seen it.
 */
public final class OpenLoopLoad implements AutoCloseable {

  private final TopicProducer producer;
  private final Topics topics;
  private final List<String> users;
  private final List<String> references;
  private final String prefix;
  private final Map<String, Long> sent = new ConcurrentHashMap<>();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<String> lastFailure = new AtomicReference<>();
  private volatile double rate;
  private volatile boolean running;
  private Thread thread;
  private int issued;

  /**
   * @param prefix request ids are {@code prefix-N}
   */
  public OpenLoopLoad(
      TopicProducer producer,
      Topics topics,
      List<String> users,
      List<String> references,
      String prefix) {
    this.producer = producer;
    this.topics = topics;
    this.users = List.copyOf(users);
    this.references = List.copyOf(references);
    this.prefix = prefix;
  }

  /** Starts sending {@code requestsPerSecond} on a thread of its own. */
  public synchronized void start(double requestsPerSecond) {
    if (running) {
      throw new IllegalStateException("already running");
    }
    rate = requestsPerSecond;
    running = true;
    thread = new Thread(this::run, "chaos-load-" + prefix);
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops sending and waits until every request sent was acknowledged or failed. */
  public void stop() throws InterruptedException {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
    }
    if (t != null) {
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
    producer.flush();
  }

  /** Request id → when it was handed to the producer ({@link System#nanoTime()}), once acked. */
  public Map<String, Long> sent() {
    return Map.copyOf(sent);
  }

  public List<String> sentIds() {
    return new ArrayList<>(sent.keySet());
  }

  /** Requests the producer gave up on (not on the broker, so not expected to be answered). */
  public int failed() {
    return failed.get();
  }

  public String lastFailure() {
    return lastFailure.get();
  }

  /** Sends at {@code requestsPerSecond} from now on. */
  public void rate(double requestsPerSecond) {
    rate = requestsPerSecond;
  }

  private void run() {
    long t0 = System.nanoTime();
    int startedAt = issued;
    double current = rate;
    while (running) {
      if (rate != current) {
        t0 = System.nanoTime();
        startedAt = issued;
        current = rate;
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      int due = startedAt + (int) Math.floor(elapsed * current);
      while (issued < due && running) {
        send(issued++);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void send(int n) {
    String id = prefix + "-" + n;
    String user = users.get(n % users.size());
    GenerationRequest r =
        Records.request(id, user, references.get((n / users.size()) % references.size())).build();
    long at = System.nanoTime();
    producer.send(
        TopicProducer.record(topics.requests, user, r),
        (metadata, e) -> {
          if (e == null) {
            sent.put(id, at);
          } else {
            failed.incrementAndGet();
            lastFailure.set(e.toString());
          }
        });
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
