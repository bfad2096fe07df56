package io.pigeonstreams.topology;

import io.pigeonstreams.avro.DeadLetter;
import io.pigeonstreams.serde.SerdeFactory;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record the engine cannot decode or process to {@code <source topic>-dlq}, as a {@link
 * DeadLetter} holding the original bytes, where they came from and why, and lets the engine carry
 * on (KIP-1033 / KIP-1034 handlers). The record is written in the same transaction as the task's
 * other output.
 */
public final class DeadLetterHandler
    implements DeserializationExceptionHandler, ProcessingExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

  /** Config key under which the engine hands this handler its meters (an object, not a string). */
  public static final String METRICS_CONFIG = "pigeon.internal.metrics";

  private Serde<DeadLetter> serde;

  /** At most this many dead letters per source topic are logged a minute; all are counted. */
  static final int LOGGED_PER_MINUTE = 20;

  private static final LogBudget LOG_BUDGET = new LogBudget(LOGGED_PER_MINUTE, 60_000);

  /** A per-key budget of log lines per window, counting what it held back. */
  static final class LogBudget {
    private final int perWindow;
    private final long windowMs;
    private final java.util.Map<String, long[]> windows =
        new java.util.concurrent.ConcurrentHashMap<>(); // start, logged, held back

    LogBudget(int perWindow, long windowMs) {
      this.perWindow = perWindow;
      this.windowMs = windowMs;
    }

    /**
     * -1: do not log this one; else log it, with the number held back since the last logged one.
     */
    long take(String key) {
      long now = System.currentTimeMillis();
      long[] w = windows.computeIfAbsent(key, k -> new long[] {now, 0, 0});
      synchronized (w) {
        if (now - w[0] >= windowMs) {
          w[0] = now;
          w[1] = 0;
        }
        if (w[1] < perWindow) {
          w[1]++;
          long held = w[2];
          w[2] = 0;
          return held;
        }
        w[2]++;
        return -1;
      }
    }
  }

  private io.pigeonstreams.metrics.EngineMetrics metrics;

  /** Kafka Streams settings {@code p} with this handler for records it cannot decode or process. */
  public static Properties install(Properties p) {
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterHandler.class.getName());
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName());
    return p;
  }

  @Override
  public void configure(Map<String, ?> configs) {
    serde = SerdeFactory.forClass(DeadLetter.class, configs);
    metrics =
        configs.get(METRICS_CONFIG) instanceof io.pigeonstreams.metrics.EngineMetrics m ? m : null;
  }

  @Override
  public DeserializationExceptionHandler.Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    return DeserializationExceptionHandler.Response.resume(
        List.of(deadLetter(context, record.key(), record.value(), "cannot decode", exception)));
  }

  /**
   * Nodes that answer micro-batches of pending requests: an error there is not about one input
   * record (every request already gets its own REJECTED answer for its own faults) but about the
   * batch's state or output, so the transaction is aborted and the batch replayed, not skipped.
   */
  static final java.util.Set<String> BATCH_NODES =
      java.util.Set.of(
          "join-mask-generate",
          "images",
          "as-image",
          "pairs",
          "as-pair",
          "exposures",
          "as-exposure",
          "answer-outcomes",
          "as-answer-outcomes");

  @Override
  public ProcessingExceptionHandler.Response handleError(
      ErrorHandlerContext context,
      org.apache.kafka.streams.processor.api.Record<?, ?> record,
      Exception exception) {
    if (context.topic() == null || BATCH_NODES.contains(context.processorNodeId())) {
      LOG.error(
          "micro-batch at {} failed; aborting the transaction so that it is replayed",
          context.processorNodeId(),
          exception);
      return ProcessingExceptionHandler.Response.fail();
    }
    return ProcessingExceptionHandler.Response.resume(
        List.of(
            deadLetter(
                context,
                context.sourceRawKey(),
                context.sourceRawValue(),
                "cannot process",
                exception)));
  }

  private ProducerRecord<byte[], byte[]> deadLetter(
      ErrorHandlerContext context, byte[] key, byte[] value, String what, Exception exception) {
    String reason = what + ": " + exception.getMessage();
    long suppressed = LOG_BUDGET.take(String.valueOf(context.topic()));
    if (suppressed >= 0) {
      LOG.warn(
          "{} {}-{}@{} goes to {}: {}{}",
          what,
          context.topic(),
          context.partition(),
          context.offset(),
          Topic.deadLetterTopic(context.topic()),
          reason,
          suppressed == 0
              ? ""
              : " (and " + suppressed + " more from this topic in the last minute, not logged)");
    }
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setSourceTopic(context.topic())
            .setPartition(context.partition())
            .setOffset(context.offset())
            .setKey(key == null ? null : ByteBuffer.wrap(key))
            .setValue(value == null ? null : ByteBuffer.wrap(value))
            .setReason(reason)
            .setExceptionClass(exception.getClass().getName())
            .setTimestamp(Instant.ofEpochMilli(context.timestamp()))
            .build();
    String topic = Topic.deadLetterTopic(context.topic());
    if (metrics != null) {
      metrics.deadLetter(context.topic(), what);
    }
    return new ProducerRecord<>(topic, null, key, serde.serializer().serialize(topic, letter));
  }
}
