package io.pigeonstreams.workload;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a consumer group has committed, seen from outside through an admin client: how the benchmark
 * tells when a consumer (the engine or the pipe) is done, the same way for both.
 */
public final class CommittedOffsets implements AutoCloseable {

  /** How often committed offsets are polled. */
  static final Duration POLL = Duration.ofMillis(100);

  private static final long CALL_TIMEOUT_S = 30;

  private final Admin admin;

  public CommittedOffsets(String bootstrapServers) {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "pigeon-bench-offsets");
    admin = Admin.create(config);
  }

  /** The end (latest) offset of every partition of {@code topic}. */
  public Map<TopicPartition, Long> endOffsets(String topic, int partitions) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> info =
        get(admin.listOffsets(request).all());
    Map<TopicPartition, Long> out = new HashMap<>();
    info.forEach((tp, i) -> out.put(tp, i.offset()));
    return out;
  }

  /** Committed offsets of {@code groupId} on the given partitions (0 where none yet). */
  public Map<TopicPartition, Long> committed(String groupId, Iterable<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> all =
        get(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata());
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata om = all.get(tp);
      out.put(tp, om == null ? 0L : om.offset());
    }
    return out;
  }

  /**
   * Polls every {@link #POLL} until {@code groupId} has committed {@code end} on every partition.
   *
   * @param progress called about every two seconds with the records committed so far (counted from
   *     {@code start})
   * @param failed checked at every poll: true stops the wait with an exception
   * @return {@link System#nanoTime()} of the poll that saw the group caught up
   */
  public long awaitCaughtUp(
      String groupId,
      Map<TopicPartition, Long> start,
      Map<TopicPartition, Long> end,
      Duration timeout,
      LongConsumer progress,
      BooleanSupplier failed)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (true) {
      Map<TopicPartition, Long> committed = committed(groupId, end.keySet());
      long now = System.nanoTime();
      boolean done = true;
      long count = 0;
      for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
        long c = committed.get(e.getKey());
        done &= c >= e.getValue();
        count += Math.max(0, Math.min(c, e.getValue()) - start.getOrDefault(e.getKey(), 0L));
      }
      if (done) {
        return now;
      }
      if (failed.getAsBoolean()) {
        throw new IllegalStateException(groupId + " failed before it caught up");
      }
      if (now > deadline) {
        throw new IllegalStateException(
            groupId + " did not commit all offsets within " + timeout.toSeconds() + " s");
      }
      if (now >= nextProgress) {
        progress.accept(count);
        nextProgress = now + TimeUnit.SECONDS.toNanos(2);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Deletes every record of the topics' partitions (moves their log start to the end). */
  public void truncate(List<String> topics, int partitions) {
    Map<TopicPartition, RecordsToDelete> request = new HashMap<>();
    for (String topic : topics) {
      endOffsets(topic, partitions)
          .forEach((tp, end) -> request.put(tp, RecordsToDelete.beforeOffset(end)));
    }
    get(admin.deleteRecords(request).all());
  }

  private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
    try {
      return future.get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling the admin client", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("admin call failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("admin call timed out after " + CALL_TIMEOUT_S + " s", e);
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(10));
  }
}
