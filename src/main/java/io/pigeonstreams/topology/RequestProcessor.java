package io.pigeonstreams.topology;

import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.Experiment;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.PendingRequest;
import io.pigeonstreams.avro.ServedImage;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.metrics.EngineMetrics;
import io.pigeonstreams.personalize.Answer;
import io.pigeonstreams.personalize.InfrastructureFailure;
import io.pigeonstreams.personalize.Personalizer;
import io.pigeonstreams.personalize.Request;
import io.pigeonstreams.personalize.experiment.ExperimentPlan;
import io.pigeonstreams.personalize.experiment.Experiments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * generation-requests → pending-requests → (micro-batch) join user-history and the catalog → mask →
 * generate → score → one GeneratedImage per request (and maybe a PreferencePair) forwarded
 * downstream.
 *
 * <p>A request is first put in the changelogged {@value PigeonTopology#PENDING_STORE} store, keyed
 * by its input offset, and answered in a micro-batch: when {@code maxRequests} are pending, or when
 * the oldest has waited {@code maxDelay} (wall-clock punctuation), whichever is first. The store
 * write, the input offset, the outputs and the store delete all go through Kafka Streams'
 * exactly-once transactions: a crash before a batch is committed rolls back to the requests still
 * pending (restored from the changelog) and their outputs unpublished; nothing is lost or answered
 * twice.
 *
 * <p>One flush stops taking new micro-batches once it has run {@code budget} (a fraction of the
 * transaction timeout), so that a backlog (after a restart) is worked off over several
 * transactions. The work itself is the {@link Personalizer}'s, on the plain records {@link
 * AvroMapping} makes of the Avro ones.
 */
public final class RequestProcessor
    implements Processor<String, GenerationRequest, String, SpecificRecord> {

  /**
   * How requests are grouped: at most {@code maxRequests} requests and {@code maxImages} candidate
   * images per micro-batch (a request asking for more candidates than that is a batch of its own);
   * {@code maxDelay} 0 answers each request as it arrives.
   */
  public record Batching(int maxRequests, int maxImages, Duration maxDelay, Duration budget) {
    public Batching {
      if (maxRequests < 1 || maxImages < 1) {
        throw new IllegalArgumentException(
            "batch size must be >= 1 request and >= 1 image, got "
                + maxRequests
                + ", "
                + maxImages);
      }
      if (maxDelay.isNegative()) {
        throw new IllegalArgumentException("batch delay must be >= 0, got " + maxDelay);
      }
    }

    public static Batching perRecord() {
      return new Batching(1, Integer.MAX_VALUE, Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private final Personalizer personalizer;
  private final Batching batching;
  private final EngineMetrics metrics;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, UserHistory> history;
  private KeyValueStore<String, PendingRequest> pending;
  private KeyValueStore<String, ServedImage> served;
  private KeyValueStore<String, String> userImages;
  private ReadOnlyKeyValueStore<String, ValueAndTimestamp<CatalogEntry>> catalog;
  private ReadOnlyKeyValueStore<String, ValueAndTimestamp<Experiment>> experiments;
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(RequestProcessor.class);

  /** Malformed definitions already logged (each once per instance). */
  private final java.util.Set<String> refusedDefinitions = new java.util.HashSet<>();

  private Cancellable timer;
  private long pendingCount;
  private long pendingImages;
  private long oldestEnqueuedAt = Long.MAX_VALUE;

  RequestProcessor(Personalizer personalizer, Batching batching, EngineMetrics metrics) {
    this.personalizer = personalizer;
    this.batching = batching;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.history = context.getStateStore(PigeonTopology.HISTORY_STORE);
    this.pending = context.getStateStore(PigeonTopology.PENDING_STORE);
    this.served = context.getStateStore(PigeonTopology.SERVED_STORE);
    this.userImages = context.getStateStore(PigeonTopology.USER_IMAGES_STORE);
    this.catalog = context.getStateStore(PigeonTopology.CATALOG_STORE);
    this.experiments = context.getStateStore(PigeonTopology.EXPERIMENTS_STORE);
    // Kafka Streams may close and re-init this same instance (task suspended and resumed, or
    // revived after a corrupted state): count afresh
    pendingCount = 0;
    pendingImages = 0;
    oldestEnqueuedAt = Long.MAX_VALUE;
    // requests left pending by the last owner of this task (restored from the changelog)
    try (KeyValueIterator<String, PendingRequest> all = pending.all()) {
      while (all.hasNext()) {
        PendingRequest p = all.next().value;
        pendingCount++;
        pendingImages += images(p);
        oldestEnqueuedAt = Math.min(oldestEnqueuedAt, p.getEnqueuedAt());
      }
    }
    metrics.pending(pendingCount);
    long tick = Math.max(1, Math.min(50, batching.maxDelay().toMillis() / 5));
    timer =
        context.schedule(
            Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
  }

  @Override
  public void process(Record<String, GenerationRequest> record) {
    GenerationRequest request = record.value();
    if (request == null) { // dead-lettered upstream (check-request); never here
      return;
    }
    long now = context.currentSystemTimeMs();
    String key =
        context
            .recordMetadata()
            .map(m -> String.format(Locale.ROOT, "%019d", m.offset()))
            .orElseGet(() -> String.format(Locale.ROOT, "t%018d", now));
    PendingRequest p =
        PendingRequest.newBuilder()
            .setRequest(request)
            .setKey(record.key())
            .setRecordTimestamp(record.timestamp())
            .setEnqueuedAt(now)
            .build();
    pending.put(key, p);
    pendingCount++;
    pendingImages += images(p);
    metrics.pending(1);
    oldestEnqueuedAt = Math.min(oldestEnqueuedAt, now);
    if (full() || batching.maxDelay().isZero()) {
      flush(batching.maxDelay().isZero());
    }
  }

  private void onWallClock(long now) {
    if (pendingCount > 0 && now - oldestEnqueuedAt >= batching.maxDelay().toMillis()) {
      flush(true);
    }
  }

  /**
   * Answers pending requests, oldest first, in micro-batches of at most maxRequests: only full
   * batches unless {@code due} (the oldest has waited long enough), and no new batch once the
   * budget is spent.
   */
  private void flush(boolean due) {
    long start = System.nanoTime();
    if (context.currentSystemTimeMs() < retryAfter) {
      return; // the machine under the model failed a moment ago: let it recover
    }
    while (pendingCount > 0 && (due || full())) {
      List<KeyValue<String, PendingRequest>> batch = new ArrayList<>();
      long images = 0;
      try (KeyValueIterator<String, PendingRequest> it = pending.all()) {
        while (it.hasNext() && batch.size() < batching.maxRequests()) {
          KeyValue<String, PendingRequest> next = it.next();
          images += images(next.value);
          if (!batch.isEmpty() && images > batching.maxImages()) {
            break;
          }
          batch.add(next);
        }
      }
      if (batch.isEmpty()) {
        metrics.pending(-pendingCount);
        pendingCount = 0;
        pendingImages = 0;
        break;
      }
      long batchStart = System.nanoTime();
      try {
        answer(batch);
      } catch (InfrastructureFailure f) {
        // nothing of this batch was forwarded and it stays pending: it is tried again after a
        // pause, with the stream thread alive (a dead thread costs a rebalance)
        LOG.warn(
            "micro-batch of {} failed on the machine under the model; retrying in {} ms: {}",
            batch.size(),
            INFRASTRUCTURE_BACKOFF_MS,
            f.getCause() == null ? f : f.getCause().toString());
        retryAfter = context.currentSystemTimeMs() + INFRASTRUCTURE_BACKOFF_MS;
        break;
      }
      long took = System.nanoTime() - batchStart;
      due = false; // the rest waits for its own delay or a full batch
      // no new batch when another one like this would end past the budget
      if (System.nanoTime() - start + took > batching.budget().toNanos()) {
        break;
      }
    }
    oldestEnqueuedAt = Long.MAX_VALUE;
    if (pendingCount > 0) {
      try (KeyValueIterator<String, PendingRequest> it = pending.all()) {
        if (it.hasNext()) {
          oldestEnqueuedAt = it.next().value.getEnqueuedAt();
        }
      }
    }
  }

  /** A whole micro-batch is waiting: B requests, or as many candidate images as one may hold. */
  private boolean full() {
    return pendingCount >= batching.maxRequests() || pendingImages >= batching.maxImages();
  }

  private int images(PendingRequest p) {
    return Math.max(
        1, personalizer.candidates(p.getRequest().getCandidates(), p.getRequest().getOptions()));
  }

  private void answer(List<KeyValue<String, PendingRequest>> batch) {
    long now = context.currentSystemTimeMs();
    // the definitions as they are at this batch boundary
    List<ExperimentPlan> active = Experiments.active(experimentPlans(), now);
    personalizer.retainArms(Experiments.arms(active));
    List<Personalizer.Job> jobs = new ArrayList<>();
    for (KeyValue<String, PendingRequest> kv : batch) {
      GenerationRequest request = kv.value.getRequest();
      String userId = userId(kv.value);
      Request plain = AvroMapping.request(request);
      Experiments.Assigned assigned = Experiments.assignAmong(active, userId);
      jobs.add(
          new Personalizer.Job(
              assigned == null ? plain : assigned.apply(plain),
              userId == null ? null : AvroMapping.history(history.get(userId)),
              assigned == null ? null : assigned.arm()));
      metrics.queueWait(Duration.ofMillis(Math.max(0, now - kv.value.getEnqueuedAt())));
    }
    // a request whose record key is not its user was joined with another partition's histories:
    // answered REJECTED with the reason, never generated
    Personalizer.Outcome[] all = new Personalizer.Outcome[batch.size()];
    List<KeyValue<String, PendingRequest>> servable = new ArrayList<>();
    List<Personalizer.Job> servableJobs = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      PendingRequest p = batch.get(i).value;
      String key = p.getKey();
      String user = p.getRequest().getUserId();
      if (key != null && user != null && !user.isBlank() && !key.equals(user)) {
        all[i] =
            personalizer.rejected(
                jobs.get(i).request(),
                "the record key is not the request's user (requests are keyed by user id, so"
                    + " that each is joined with its user's history)",
                now);
      } else {
        servable.add(batch.get(i));
        servableJobs.add(jobs.get(i));
      }
    }
    long start = System.nanoTime();
    List<Personalizer.Outcome> generatedOutcomes = generate(servable, servableJobs);
    for (int i = 0, j = 0; i < all.length; i++) {
      if (all[i] == null) {
        all[i] = generatedOutcomes.get(j++);
      }
    }
    List<Personalizer.Outcome> outcomes = java.util.Arrays.asList(all);
    long took = System.nanoTime() - start;
    int generated = 0; // candidates of the requests served (a REJECTED one generated none)
    for (int i = 0; i < batch.size(); i++) {
      if (outcomes.get(i).answer().status() != Answer.Status.REJECTED) {
        generated += images(batch.get(i).value);
      }
    }
    metrics.batch(batch.size(), generated, Duration.ofNanos(took));
    for (int i = 0; i < batch.size(); i++) {
      PendingRequest p = batch.get(i).value;
      Personalizer.Outcome outcome = outcomes.get(i);
      String userId = userId(p);
      String key = userId != null ? userId : p.getRequest().getRequestId();
      GeneratedImage image = AvroMapping.generatedImage(outcome.answer());
      if (outcome.served() != null) { // remembered for feedback on it
        for (ServedImage s : AvroMapping.servedImages(outcome.answer(), outcome.served())) {
          served.put(s.getImageId(), s);
          userImages.put(ServedImages.indexKey(s), s.getImageId());
        }
      }
      context.forward(new Record<>(key, image, p.getRecordTimestamp()));
      if (outcome.answer().experimentId() != null) {
        // in the same transaction as the answer: no exposure without it, nor it without one
        context.forward(
            new Record<>(
                key, ExperimentMapping.exposure(outcome.answer()), p.getRecordTimestamp()));
        for (var o : ExperimentMapping.outcomes(outcome.answer())) {
          context.forward(new Record<>(key, o, p.getRecordTimestamp()));
        }
      }
      if (outcome.pair() != null) {
        context.forward(
            new Record<>(key, AvroMapping.preferencePair(outcome.pair()), p.getRecordTimestamp()));
      }
      metrics.output(image.getStatus().name(), image.getModelVersion());
      metrics.answerLatency(Duration.ofMillis(Math.max(0, outcome.answer().latencyMs())));
      pending.delete(batch.get(i).key);
      pendingCount--;
      pendingImages -= images(p);
      metrics.pending(-1);
    }
  }

  /** The pause before a batch that failed on the machine under the model is tried again. */
  static final long INFRASTRUCTURE_BACKOFF_MS = 500;

  private long retryAfter;

  /** The outcomes of a batch ({@link BatchGeneration}: memory and device failures retried). */
  private List<Personalizer.Outcome> generate(
      List<KeyValue<String, PendingRequest>> batch, List<Personalizer.Job> jobs) {
    List<String> keys = new ArrayList<>();
    for (KeyValue<String, PendingRequest> kv : batch) {
      keys.add(context.taskId() + "/" + kv.key);
    }
    return BatchGeneration.generate(
        personalizer,
        keys,
        jobs,
        id -> {
          ValueAndTimestamp<CatalogEntry> v = catalog.get(id);
          return v == null ? null : AvroMapping.catalogItem(v.value());
        },
        context.currentSystemTimeMs());
  }

  private List<ExperimentPlan> experimentPlans() {
    List<ExperimentPlan> out = new ArrayList<>();
    try (KeyValueIterator<String, ValueAndTimestamp<Experiment>> all = experiments.all()) {
      while (all.hasNext()) {
        ValueAndTimestamp<Experiment> v = all.next().value;
        if (v != null && v.value() != null) {
          ExperimentPlan plan = ExperimentMapping.experimentPlan(v.value());
          List<String> problems = plan.problems();
          if (!problems.isEmpty() && refusedDefinitions.add(plan.id() + ": " + problems)) {
            LOG.warn(
                "experiment '{}' ignored: its definition is malformed: {}",
                plan.id(),
                String.join("; ", problems));
          }
          out.add(plan);
        }
      }
    }
    return out;
  }

  private static String userId(PendingRequest p) {
    String fromRequest = p.getRequest().getUserId();
    return fromRequest != null ? fromRequest : p.getKey();
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.cancel();
    }
    metrics.pending(-pendingCount);
    pendingCount = 0;
    pendingImages = 0;
  }
}
