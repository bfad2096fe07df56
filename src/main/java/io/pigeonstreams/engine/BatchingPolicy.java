package io.pigeonstreams.engine;

import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.topology.Batching;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How large a micro-batch may be on this machine, from the configuration and a warm-up. */
public final class BatchingPolicy {

  private static final Logger LOG = LoggerFactory.getLogger(BatchingPolicy.class);

  /** A served image's cost in units of the generator's own time per image (see {@link #of}). */
  static final double COST_PER_GENERATED_IMAGE = 2.0;

  private BatchingPolicy() {}

  /**
   * Micro-batching from {@code pigeon.batch.max.requests} (B) and {@code pigeon.batch.max.delay.ms}
   * (D), after warming the generator up at the batch sizes it will see. A micro-batch runs inside
   * one transaction, so it must end well within the transaction timeout (Kafka Streams sets 10 s
   * under exactly-once) and {@code max.poll.interval.ms}: a quarter of the smaller, shared by the
   * two flushes (processing, punctuation) each of a thread's tasks may run before a commit. The
   * warm-up measures the generator's time per candidate image; a micro-batch takes at most as many
   * candidate images as fit in the budget at {@value #COST_PER_GENERATED_IMAGE} times that (join,
   * masking, scoring and publishing add about 0.6 of generation, {@code bench generation}; the rest
   * is margin for a busy machine), and fewer requests than B when they ask for many candidates. A
   * flush that still runs over the budget (a backlog after a restart) stops taking new batches and
   * leaves the rest to the next transaction.
   */
  public static Batching of(EngineConfig config, ImageGenerator generator) {
    int b = config.getInt("pigeon.batch.max.requests");
    long d = config.getInt("pigeon.batch.max.delay.ms");
    if (b < 1 || d < 0) {
      throw new IllegalArgumentException(
          "pigeon.batch.max.requests must be >= 1 and pigeon.batch.max.delay.ms >= 0, got "
              + b
              + " and "
              + d);
    }
    int k = config.getInt("pigeon.candidates.max");
    long transactionTimeout =
        firstLong(config, 10_000, "producer.transaction.timeout.ms", "transaction.timeout.ms");
    long maxPoll =
        firstLong(
            config,
            300_000,
            "main.consumer.max.poll.interval.ms",
            "consumer.max.poll.interval.ms",
            "max.poll.interval.ms");
    // One transaction holds every task of a stream thread, and each task may flush once while
    // processing and once on the wall-clock punctuation before the commit: the quarter is shared
    // by 2 flushes x the tasks a thread may own (partitions / threads, one instance).
    int tasksPerThread =
        Math.max(
            1,
            (config.getInt("pigeon.topics.partitions") + config.getInt("num.stream.threads") - 1)
                / config.getInt("num.stream.threads"));
    Duration budget =
        Duration.ofMillis(Math.min(transactionTimeout, maxPoll) / 4 / (2L * tasksPerThread));
    long start = System.nanoTime();
    double msPerImage = generator.warmUp((int) Math.min(Integer.MAX_VALUE, (long) b * k));
    int maxImages = Integer.MAX_VALUE;
    if (msPerImage > 0) {
      maxImages =
          (int)
              Math.max(
                  1,
                  Math.min(
                      Integer.MAX_VALUE,
                      budget.toMillis() / (COST_PER_GENERATED_IMAGE * msPerImage)));
      LOG.info(
          "warm-up took {} ms: {} ms per candidate image; a micro-batch holds at most {} requests"
              + " and {} candidate images (a quarter of min(transaction timeout {} ms,"
              + " max.poll.interval.ms {} ms), shared by 2 flushes x {} task(s) per thread, at 2x"
              + " that)",
          (System.nanoTime() - start) / 1_000_000,
          String.format(Locale.ROOT, "%.2f", msPerImage),
          b,
          maxImages,
          transactionTimeout,
          maxPoll,
          tasksPerThread);
      if (maxImages < k) {
        LOG.warn(
            "a request for {} candidates (pigeon.candidates.max) needs about {} ms here, over the"
                + " {} ms budget: raise transaction.timeout.ms or lower pigeon.candidates.max",
            k,
            Math.round(COST_PER_GENERATED_IMAGE * msPerImage * k),
            budget.toMillis());
      }
    }
    return new Batching(b, maxImages, Duration.ofMillis(d), budget);
  }

  private static long firstLong(EngineConfig config, long fallback, String... keys) {
    for (String key : keys) {
      if (config.has(key)) {
        return Long.parseLong(config.get(key));
      }
    }
    return fallback;
  }
}
