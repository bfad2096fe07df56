package io.pigeonstreams.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's own meters (Micrometer; Prometheus names in brackets):
 *
 * <ul>
 *   <li>{@code pigeon.batch.requests} [{@code pigeon_batch_requests}]: requests per micro-batch;
 *   <li>{@code pigeon.batch.images} [{@code pigeon_batch_images}]: candidate images generated per
 *       micro-batch (REJECTED requests generate none);
 *   <li>{@code pigeon.queue.wait} [{@code pigeon_queue_wait_seconds}]: per request, from being
 *       stored as pending to its batch starting;
 *   <li>{@code pigeon.inference} [{@code pigeon_inference_seconds}]: per micro-batch, the whole
 *       answer: join, masking, generation, scoring and publishing (see {@code pigeon.stage} for
 *       each part);
 *   <li>{@code pigeon.stage} [{@code pigeon_stage_seconds}] by {@code stage} (prepare: validate and
 *       join; mask; generate: generation and decoding; score; publish: PNG and records): where a
 *       micro-batch's time goes;
 *   <li>{@code pigeon.outputs} [{@code pigeon_outputs_total}]: answers by {@code status} and {@code
 *       model_version};
 *   <li>{@code pigeon.pending} [{@code pigeon_pending}]: requests waiting in this instance's
 *       stores;
 *   <li>{@code pigeon.experiment.srm} [{@code pigeon_experiment_srm}] and {@code
 *       pigeon.experiment.srm.p} by {@code experiment}: the sample-ratio check of each running
 *       experiment (1: mismatch).
 * </ul>
 *
 * Percentiles (p50, p95, p99) are published for the timers and summaries.
 */
public final class EngineMetrics {

  private final MeterRegistry registry;
  private final DistributionSummary batchRequests;
  private final DistributionSummary batchImages;
  private final Timer queueWait;
  private final Timer inference;
  private final AtomicLong pending = new AtomicLong();
  private final Timer answerLatency;

  public EngineMetrics(MeterRegistry registry) {
    this.registry = registry;
    batchRequests =
        DistributionSummary.builder("pigeon.batch.requests")
            .description("requests per micro-batch")
            .publishPercentiles(0.5, 0.95, 0.99)
            .register(registry);
    batchImages =
        DistributionSummary.builder("pigeon.batch.images")
            .description("candidate images generated per micro-batch")
            .publishPercentiles(0.5, 0.95, 0.99)
            .register(registry);
    queueWait =
        Timer.builder("pigeon.queue.wait")
            .description("time a request waited for its micro-batch")
            .publishPercentiles(0.5, 0.95, 0.99)
            .register(registry);
    inference =
        Timer.builder("pigeon.inference")
            .description("join, masking, generation, scoring and publishing of one micro-batch")
            .publishPercentiles(0.5, 0.95, 0.99)
            .register(registry);
    answerLatency =
        Timer.builder("pigeon.answer.latency")
            .description("from a request's timestamp to its answer")
            .publishPercentiles(0.5, 0.95, 0.99)
            .register(registry);
    for (String outcome : new String[] {"swapped", "refused"}) { // at 0 from the start
      Counter.builder("pigeon.model.swaps")
          .description("announced model versions swapped in or refused")
          .tag("outcome", outcome)
          .register(registry);
    }
    Gauge.builder("pigeon.pending", pending, AtomicLong::get)
        .description("requests waiting for a micro-batch in this instance's stores")
        .register(registry);
  }

  /** Meters that go nowhere: for tests and tools that do not publish them. */
  public static EngineMetrics none() {
    return new EngineMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void batch(int requests, int images, Duration took) {
    batchRequests.record(requests);
    batchImages.record(images);
    inference.record(took);
  }

  /** The time of one stage of a micro-batch: a Personalizer.StageListener. */
  public void stage(String stage, long nanos) {
    Timer.builder("pigeon.stage")
        .description("time of one stage of a micro-batch")
        .tag("stage", stage)
        .register(registry)
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void queueWait(Duration waited) {
    queueWait.record(waited);
  }

  public void output(String status, String modelVersion) {
    Counter.builder("pigeon.outputs")
        .description("answers published, by status and model version")
        .tag("status", status)
        .tag("model_version", modelVersion)
        .register(registry)
        .increment();
  }

  /**
   * One reaction to a generated image, by what became of it: {@code paired} (a USER_FEEDBACK pair
   * from two reactions), {@code picked} (one of two options picked: a pair at once), {@code
   * waiting} (a labelled example, no partner yet), {@code neutral} (VIEW, CLICK), {@code
   * unknown_image} (unknown or expired image id: dead-lettered), {@code other_user} (the image was
   * served to someone else: dead-lettered).
   */
  public void feedback(String outcome) {
    Counter.builder("pigeon.feedback")
        .description("reactions to generated images, by what became of them")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /** A model version announced on model-updates: {@code swapped} in or {@code refused}. */
  public void modelSwap(String outcome) {
    Counter.builder("pigeon.model.swaps")
        .description("announced model versions swapped in or refused")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  private final java.util.Map<String, double[]> srm =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The sample-ratio check of experiment {@code id} as its users per variant stand: gauges {@code
   * pigeon_experiment_srm_p} (the chi-squared p) and {@code pigeon_experiment_srm} (1: flagged, p
   * below the report's threshold), tagged with the experiment, on the instance that aggregates it.
   */
  public void experimentSampleRatio(String id, double p, boolean flagged) {
    double[] v =
        srm.computeIfAbsent(
            id,
            k -> {
              double[] cell = {Double.NaN, 0};
              Gauge.builder("pigeon.experiment.srm.p", cell, c -> c[0])
                  .description("sample-ratio-mismatch chi-squared p of an experiment's users")
                  .tag("experiment", k)
                  .register(registry);
              Gauge.builder("pigeon.experiment.srm", cell, c -> c[1])
                  .description("1 when an experiment's users do not fit its weights (p < 0.001)")
                  .tag("experiment", k)
                  .register(registry);
              return cell;
            });
    v[0] = p;
    v[1] = flagged ? 1 : 0;
  }

  /**
   * A record sent to a dead-letter topic: {@code pigeon_dead_letters_total} by source topic and
   * kind ({@code cannot decode}, {@code cannot process}).
   */
  public void deadLetter(String sourceTopic, String kind) {
    Counter.builder("pigeon.dead.letters")
        .description("records sent to a dead-letter topic, by source topic and kind")
        .tag("topic", sourceTopic == null ? "unknown" : sourceTopic)
        .tag("kind", kind)
        .register(registry)
        .increment();
  }

  /** From a request's timestamp to its answer: {@code pigeon_answer_latency_seconds}. */
  public void answerLatency(Duration latency) {
    answerLatency.record(latency);
  }

  private final java.util.concurrent.atomic.AtomicReference<io.micrometer.core.instrument.Meter>
      serving = new java.util.concurrent.atomic.AtomicReference<>();

  /**
   * The model version this instance serves: {@code pigeon_model_serving{model_version}} is 1 for it
   * (the previous version's series goes away on a swap).
   */
  public void serving(String modelVersion) {
    io.micrometer.core.instrument.Meter next =
        Gauge.builder("pigeon.model.serving", () -> 1)
            .description("1 for the model version this instance serves")
            .tag("model_version", modelVersion)
            .register(registry);
    io.micrometer.core.instrument.Meter old = serving.getAndSet(next);
    if (old != null && !old.getId().equals(next.getId())) {
      registry.remove(old);
    }
  }

  /** Adds {@code delta} (negative when requests leave) to the pending gauge. */
  public void pending(long delta) {
    pending.addAndGet(delta);
  }
}
