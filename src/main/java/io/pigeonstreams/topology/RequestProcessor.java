package io.pigeonstreams.topology;

import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.Experiment;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.PendingRequest;
import io.pigeonstreams.avro.ServedImage;
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
 * <p>A micro-batch with room takes in what the other tasks of the same stream thread have pending
 * ({@link ThreadBatchers}): a burst spread over a thread's partitions is one call to the model.
 * Each task publishes its own answers and deletes its own pending requests, in its own processing
 * context (its next punctuation); until then they stay pending, so a crash loses nothing.
 *
 * <p>One flush stops taking new micro-batches once it has run {@code budget} (a fraction of the
 * transaction timeout), so that a backlog (after a restart) is worked off over several
 * transactions. The work itself is the {@link Personalizer}'s, on the plain records {@link
 * AvroMapping} makes of the Avro ones.
 */
public final class RequestProcessor
    implements Processor<String, GenerationRequest, String, SpecificRecord> {

  private final Personalizer personalizer;
  private final Batching batching;
  private final EngineMetrics metrics;
  private ProcessorContext<String, SpecificRecord> context;
  private HistoryStore history;
  private KeyValueStore<String, ServedImage> served;
  private KeyValueStore<String, String> userImages;
  private ReadOnlyKeyValueStore<String, ValueAndTimestamp<CatalogEntry>> catalog;
  private ReadOnlyKeyValueStore<String, ValueAndTimestamp<Experiment>> experiments;
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(RequestProcessor.class);

  /** Malformed definitions already logged (each once per instance). */
  private final java.util.Set<String> refusedDefinitions = new java.util.HashSet<>();

  private Cancellable timer;
  private PendingRequests queue;

  /** This thread's request processors, whose pending requests one batch may take in. */
  private final ThreadBatchers batchers;

  private ThreadBatchers.Group group;

  RequestProcessor(
      Personalizer personalizer,
      Batching batching,
      EngineMetrics metrics,
      ThreadBatchers batchers) {
    this.personalizer = personalizer;
    this.batching = batching;
    this.metrics = metrics;
    this.batchers = batchers;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.history = context.getStateStore(PigeonTopology.HISTORY_STORE);
    this.served = context.getStateStore(PigeonTopology.SERVED_STORE);
    this.userImages = context.getStateStore(PigeonTopology.USER_IMAGES_STORE);
    this.catalog = context.getStateStore(PigeonTopology.CATALOG_STORE);
    this.experiments = context.getStateStore(PigeonTopology.EXPERIMENTS_STORE);
    // Kafka Streams may close and re-init this same instance (task suspended and resumed, or
    // revived after a corrupted state): count afresh what the last owner left pending (restored)
    queue = new PendingRequests(context.getStateStore(PigeonTopology.PENDING_STORE), this::images);
    metrics.pending(queue.count());
    group = batchers.current();
    group.join(this);
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
    publishReady();
    long now = context.currentSystemTimeMs();
    String key =
        context
            .recordMetadata()
            .map(m -> String.format(Locale.ROOT, "%019d", m.offset()))
            .orElseGet(() -> String.format(Locale.ROOT, "t%018d", now));
    queue.add(
        key,
        PendingRequest.newBuilder()
            .setRequest(request)
            .setKey(record.key())
            .setRecordTimestamp(record.timestamp())
            .setEnqueuedAt(now)
            .build());
    metrics.pending(1);
    if (full() || batching.maxDelay().isZero()) {
      flush(batching.maxDelay().isZero());
    }
  }

  private void onWallClock(long now) {
    publishReady();
    if (queue.available() > 0 && now - queue.oldestEnqueuedAt() >= batching.maxDelay().toMillis()) {
      flush(true);
    }
  }

  /**
   * Answers pending requests, oldest first, in micro-batches of at most maxRequests: only full
   * batches unless {@code due} (the oldest has waited long enough), and no new batch once the
   * budget is spent. A batch with room takes in what the other tasks of this thread have pending.
   */
  private void flush(boolean due) {
    long start = System.nanoTime();
    if (context.currentSystemTimeMs() < retryAfter) {
      return; // the machine under the model failed a moment ago: let it recover
    }
    publishReady();
    while (queue.available() > 0 && (due || full())) {
      List<KeyValue<String, PendingRequest>> batch =
          queue.take(batching.maxRequests(), batching.maxImages());
      if (batch.isEmpty()) {
        long before = queue.count();
        queue.recount(); // the counts were off (never expected): the store is the truth
        metrics.pending(queue.count() - before);
        break;
      }
      long images = 0;
      for (KeyValue<String, PendingRequest> kv : batch) {
        images += images(kv.value);
      }
      List<ThreadBatchers.Lent> borrowed =
          group.borrow(this, batching.maxRequests() - batch.size(), batching.maxImages() - images);
      long batchStart = System.nanoTime();
      try {
        answer(batch, borrowed);
      } catch (InfrastructureFailure f) {
        borrowed.forEach(b -> b.owner().queue.giveBack(b.entries()));
        // nothing of this batch was forwarded and it stays pending: it is tried again after a
        // pause, with the stream thread alive (a dead thread costs a rebalance)
        LOG.warn(
            "micro-batch of {} failed on the machine under the model; retrying in {} ms: {}",
            batch.size() + borrowed.stream().mapToInt(b -> b.entries().size()).sum(),
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
    queue.recomputeOldest();
  }

  /** A whole micro-batch is waiting: B requests, or as many candidate images as one may hold. */
  private boolean full() {
    return queue.full(batching.maxRequests(), batching.maxImages());
  }

  /**
   * Lends pending requests to another task's batch, on this thread (from that task's flush); none
   * while this task backs off after a failure under the model.
   */
  ThreadBatchers.Lent lend(int requests, long images) {
    return new ThreadBatchers.Lent(
        this,
        retryAfter > context.currentSystemTimeMs() ? List.of() : queue.lend(requests, images));
  }

  /** Publishes, in this task, what other tasks' batches generated for it. */
  private void publishReady() {
    if (!queue.hasReady()) {
      return;
    }
    List<KeyValue<String, PendingRequest>> entries = new ArrayList<>();
    List<Personalizer.Outcome> outcomes = new ArrayList<>();
    for (var e : queue.takeReady()) {
      entries.add(e.getKey());
      outcomes.add(e.getValue());
    }
    publish(entries, outcomes);
    queue.recomputeOldest();
  }

  int images(PendingRequest p) {
    return Math.max(
        1, personalizer.candidates(p.getRequest().getCandidates(), p.getRequest().getOptions()));
  }

  /** A task's part of a micro-batch: its jobs, and the outcomes decided before generating. */
  private record Prepared(
      List<Personalizer.Job> jobs,
      Personalizer.Outcome[] outcomes,
      List<String> keys,
      int[] images) {}

  /**
   * Answers {@code batch} (this task's) together with {@code borrowed} (other tasks' of this
   * thread) in one call to the model; publishes this task's answers and hands the others theirs.
   */
  private void answer(
      List<KeyValue<String, PendingRequest>> batch, List<ThreadBatchers.Lent> borrowed) {
    long now = context.currentSystemTimeMs();
    // the definitions as they are at this batch boundary
    List<ExperimentPlan> active =
        Experiments.active(ExperimentMapping.plans(experiments, refusedDefinitions), now);
    personalizer.retainArms(Experiments.arms(active));
    List<Prepared> parts = new ArrayList<>();
    parts.add(prepare(batch, active, now));
    for (ThreadBatchers.Lent b : borrowed) {
      parts.add(b.owner().prepare(b.entries(), active, now));
    }
    List<Personalizer.Job> jobs = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (Prepared part : parts) {
      for (int i = 0; i < part.outcomes().length; i++) {
        if (part.outcomes()[i] == null) {
          jobs.add(part.jobs().get(i));
          keys.add(part.keys().get(i));
        }
      }
    }
    long start = System.nanoTime();
    List<Personalizer.Outcome> generated =
        BatchGeneration.generate(personalizer, keys, jobs, catalog, now);
    long took = System.nanoTime() - start;
    int requests = 0;
    int images = 0; // candidates of the requests served (a REJECTED one generated none)
    int next = 0;
    for (Prepared part : parts) {
      for (int i = 0; i < part.outcomes().length; i++) {
        if (part.outcomes()[i] == null) {
          part.outcomes()[i] = generated.get(next++);
        }
        requests++;
        if (part.outcomes()[i].answer().status() != Answer.Status.REJECTED) {
          images += part.images()[i];
        }
      }
    }
    metrics.batch(requests, images, Duration.ofNanos(took));
    publish(batch, java.util.Arrays.asList(parts.get(0).outcomes()));
    for (int k = 0; k < borrowed.size(); k++) {
      ThreadBatchers.Lent b = borrowed.get(k);
      b.owner().queue.stash(b.entries(), java.util.Arrays.asList(parts.get(k + 1).outcomes()));
    }
  }

  /**
   * This task's jobs for {@code batch}, joined with its own users' histories. A request whose
   * record key is not its user was joined with another partition's histories: answered REJECTED
   * with the reason, never generated.
   */
  Prepared prepare(
      List<KeyValue<String, PendingRequest>> batch, List<ExperimentPlan> active, long now) {
    List<Personalizer.Job> jobs = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    Personalizer.Outcome[] outcomes = new Personalizer.Outcome[batch.size()];
    int[] images = new int[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      PendingRequest p = batch.get(i).value;
      images[i] = images(p);
      GenerationRequest request = p.getRequest();
      String userId = userId(p);
      Request plain = AvroMapping.request(request);
      Experiments.Assigned assigned = Experiments.assignAmong(active, userId);
      Personalizer.Job job =
          new Personalizer.Job(
              assigned == null ? plain : assigned.apply(plain),
              userId == null ? null : history.history(userId),
              assigned == null ? null : assigned.arm());
      jobs.add(job);
      keys.add(context.taskId() + "/" + batch.get(i).key);
      metrics.queueWait(Duration.ofMillis(Math.max(0, now - p.getEnqueuedAt())));
      String key = p.getKey();
      String user = request.getUserId();
      if (key != null && user != null && !user.isBlank() && !key.equals(user)) {
        outcomes[i] =
            personalizer.rejected(
                job.request(),
                "the record key is not the request's user (requests are keyed by user id, so"
                    + " that each is joined with its user's history)",
                now);
      }
    }
    return new Prepared(jobs, outcomes, keys, images);
  }

  /** Forwards the answers of this task's {@code batch} and takes the requests off pending. */
  private void publish(
      List<KeyValue<String, PendingRequest>> batch, List<Personalizer.Outcome> outcomes) {
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
      queue.remove(batch.get(i).key, p);
      metrics.pending(-1);
    }
  }

  /** The pause before a batch that failed on the machine under the model is tried again. */
  static final long INFRASTRUCTURE_BACKOFF_MS = 500;

  private long retryAfter;

  private static String userId(PendingRequest p) {
    String fromRequest = p.getRequest().getUserId();
    return fromRequest != null ? fromRequest : p.getKey();
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.cancel();
    }
    if (group != null) {
      group.leave(this);
    }
    // requests lent out stay pending in the store: the next owner of this task answers them
    if (queue != null) {
      metrics.pending(-queue.count());
      queue = null;
    }
  }
}
