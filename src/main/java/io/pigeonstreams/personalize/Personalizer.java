package io.pigeonstreams.personalize;

import io.pigeonstreams.generate.Candidates;
import io.pigeonstreams.generate.HistoryMasker;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.generate.PreferenceScorer;
import io.pigeonstreams.generate.VisualTokenizer;
import io.pigeonstreams.personalize.BatchPipeline.Generated;
import io.pigeonstreams.personalize.RequestValidator.Prepared;
import io.pigeonstreams.personalize.RequestValidator.Rejection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * One generation request, start to end, without Kafka or its records: validate and join the user's
 * history with the catalog ({@link RequestValidator}), mask it (alpha_h), generate candidates
 * (alpha_r) and score them ({@link BatchPipeline}), choose ({@link CandidateSelection}) and build
 * the answer ({@link AnswerBuilder}) — exactly one {@link Answer} per request — plus a preference
 * pair when there was more than one candidate.
 */
public final class Personalizer {

  /** Told how long each stage of a micro-batch took: prepare, mask, generate, score, publish. */
  @FunctionalInterface
  public interface StageListener {
    void stage(String stage, long nanos);

    StageListener NONE = (stage, nanos) -> {};
  }

  /**
   * What the engine publishes for one request: the answer, maybe a preference pair, and what
   * feedback on the answer's image will need (null when REJECTED).
   */
  public record Outcome(Answer answer, CandidatePair pair, Served served) {
    static Outcome rejected(Answer answer) {
      return new Outcome(answer, null, null);
    }
  }

  /** The engine's knobs for requests (see pigeon-streams.properties). */
  public record Settings(
      double defaultAlphaH,
      double defaultAlphaR,
      int defaultCandidates,
      int maxCandidates,
      int maxImageBytes,
      int maxImageSide,
      String experimentVariant,
      Candidates.Selection selection) {}

  /**
   * One request of a micro-batch with the user's history as the store holds it.
   *
   * @param history null for a user with none
   */
  public record Job(Request request, History history, Arm arm) {

    /** A job for the serving model. */
    public Job(Request request, History history) {
      this(request, history, null);
    }
  }

  /**
   * A model other than the serving one that an experiment's variant is generated with.
   *
   * @param generator pigeon, unet or nearest-history; null: the configured one
   * @param modelVersion a model-store version; null: the configured one
   */
  public record Arm(String generator, String modelVersion) {
    @Override
    public String toString() {
      return (generator == null ? "configured generator" : generator)
          + " "
          + (modelVersion == null ? "(configured version)" : modelVersion);
    }
  }

  /** The model components of an {@link Arm}, and what closes them. */
  public record ArmComponents(
      VisualTokenizer tokenizer,
      HistoryMasker masker,
      ImageGenerator generator,
      PreferenceScorer scorer,
      AutoCloseable owner) {}

  /** Loads the components of an arm (the engine: from the model store). */
  @FunctionalInterface
  public interface ArmLoader {
    ArmComponents load(Arm arm) throws Exception;

    ArmLoader NONE =
        arm -> {
          throw new UnsupportedOperationException("this engine serves no variant models");
        };
  }

  private final Settings settings;
  private final ClaimCheck claimCheck;
  private volatile ModelParts current;
  private volatile StageListener stages = StageListener.NONE;
  private final VariantArms arms = new VariantArms();

  public Personalizer(
      Settings settings,
      VisualTokenizer tokenizer,
      HistoryMasker masker,
      ImageGenerator generator,
      PreferenceScorer scorer) {
    this(settings, tokenizer, masker, generator, scorer, ClaimCheck.none());
  }

  /**
   * @param claimCheck where images too large for a record go (the record then carries a URI)
   */
  public Personalizer(
      Settings settings,
      VisualTokenizer tokenizer,
      HistoryMasker masker,
      ImageGenerator generator,
      PreferenceScorer scorer,
      ClaimCheck claimCheck) {
    this.settings = settings;
    this.claimCheck = claimCheck;
    this.current = new ModelParts(settings, tokenizer, masker, generator, scorer, claimCheck, null);
  }

  /** Where images too large for a record are stored, and claim-checked inputs read from. */
  public ClaimCheck claimCheck() {
    return claimCheck;
  }

  /**
   * Serves the next micro-batches with other model components (a new model version): batches
   * already running finish with the old ones, which are then closed through {@code owner} (the
   * components first given to the constructor are the caller's to close).
   */
  public void swap(
      VisualTokenizer tokenizer,
      HistoryMasker masker,
      ImageGenerator generator,
      PreferenceScorer scorer,
      AutoCloseable owner) {
    ModelParts old = current;
    current = new ModelParts(settings, tokenizer, masker, generator, scorer, claimCheck, owner);
    old.retired = true;
    if (old.users.get() == 0) {
      old.closeOnce();
    }
  }

  /** Closes the components the current model was swapped in with (not the constructor's). */
  public void closeCurrent() {
    current.retired = true;
    if (current.users.get() == 0) {
      current.closeOnce();
    }
    arms.retain(java.util.Set.of());
  }

  /** How the models of experiments' variants are loaded ({@link ArmLoader#NONE}: refused). */
  public void armLoader(ArmLoader loader) {
    arms.loader(loader);
  }

  /**
   * Keeps the variant models in {@code inUse} and closes the others once their batches finish
   * (called at each batch boundary with the arms of the experiments running then); a refused arm no
   * longer in use may be tried again.
   */
  public void retainArms(java.util.Set<Arm> inUse) {
    arms.retain(inUse);
  }

  /** The variant models loaded now, by arm, with the version each serves. */
  public java.util.Map<Arm, String> armVersions() {
    return arms.versions();
  }

  /** An answer REJECTED with {@code reason}, without generating anything. */
  public Outcome rejected(Request request, String reason, long nowMs) {
    return Outcome.rejected(current.answers.rejected(request, reason, nowMs));
  }

  private final java.util.Map<String, Integer> infrastructureFailures =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, String> lastInfrastructureFailure =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * How many times the request pending under {@code key} was in a batch that failed on an {@link
   * InfrastructureFailure}. Kept here, outside the stores, because the failed batch's transaction
   * (and any count written in it) is rolled back; it lives as long as the engine.
   */
  public int infrastructureFailures(String key) {
    return infrastructureFailures.getOrDefault(key, 0);
  }

  /** One more failure of the request under {@code key}, with its cause; returns the count. */
  public int recordInfrastructureFailure(String key, InfrastructureFailure f) {
    lastInfrastructureFailure.put(key, String.valueOf(f.getCause() == null ? f : f.getCause()));
    return infrastructureFailures.merge(key, 1, Integer::sum);
  }

  /** The last cause recorded for {@code key} (empty: none). */
  public String lastInfrastructureFailure(String key) {
    return lastInfrastructureFailure.getOrDefault(key, "");
  }

  /** The request under {@code key} was answered. */
  public void forgetInfrastructureFailures(String key) {
    infrastructureFailures.remove(key);
    lastInfrastructureFailure.remove(key);
  }

  /** The model version the next micro-batch will be generated with. */
  public String modelVersion() {
    return current.generator.modelVersion();
  }

  /**
   * A visual tokenizer that always tokenizes with the current model's (for catalog items arriving
   * while versions change).
   */
  public VisualTokenizer currentTokenizer() {
    return new VisualTokenizer() {
      @Override
      public String name() {
        return current.tokenizer.name();
      }

      @Override
      public int[] tokenize(float[] image) {
        ModelParts p = lease();
        try {
          return p.tokenizer.tokenize(image);
        } finally {
          p.release();
        }
      }
    };
  }

  /** The current parts, held until {@link Parts#release}. */
  private ModelParts lease() {
    while (true) {
      ModelParts p = current;
      p.users.incrementAndGet();
      if (p == current) {
        return p;
      }
      p.release(); // swapped meanwhile: take the new one
    }
  }

  /** Where the stage timings of each micro-batch go (the engine's meters). */
  public void onStage(StageListener listener) {
    this.stages = listener;
  }

  /** The candidates a request asks for: {@code requested}, or the engine's default for 0. */
  public int candidates(int requested, int options) {
    return current.validator.candidates(requested, options);
  }

  /** A single request: a micro-batch of one. */
  public Outcome handle(
      Request request, History history, Function<String, CatalogItem> catalog, long nowMs) {
    return handleAll(List.of(new Job(request, history)), catalog, nowMs).get(0);
  }

  /**
   * A micro-batch: every request is validated and joined on its own, then the masker, the generator
   * and the scorer each run once over all of them. A request that cannot be served is REJECTED with
   * its reason and does not hold up the rest; when a model call fails for the batch, its requests
   * are retried one by one, so that only the failing one is REJECTED.
   *
   * @return one outcome per job, in order
   */
  public List<Outcome> handleAll(
      List<Job> jobs, Function<String, CatalogItem> catalog, long nowMs) {
    // one sub-batch per model: the serving one, and each variant model the jobs name
    java.util.Map<Arm, List<Integer>> byArm = new java.util.LinkedHashMap<>();
    for (int i = 0; i < jobs.size(); i++) {
      byArm.computeIfAbsent(jobs.get(i).arm(), a -> new ArrayList<>()).add(i);
    }
    if (byArm.size() == 1 && byArm.containsKey(null)) {
      ModelParts parts = lease();
      try {
        return handleAll(parts, jobs, catalog, nowMs);
      } finally {
        parts.release();
      }
    }
    Outcome[] out = new Outcome[jobs.size()];
    for (var e : byArm.entrySet()) {
      List<Job> sub = e.getValue().stream().map(jobs::get).toList();
      ModelParts parts =
          e.getKey() == null ? lease() : arms.lease(e.getKey(), current, settings, claimCheck);
      List<Outcome> done;
      if (parts == null) {
        String why =
            "the variant's model ("
                + e.getKey()
                + ") cannot be served: "
                + arms.refusal(e.getKey());
        done =
            sub.stream()
                .map(j -> Outcome.rejected(current.answers.rejected(j.request(), why, nowMs)))
                .toList();
      } else {
        try {
          done = handleAll(parts, sub, catalog, nowMs);
        } finally {
          parts.release();
        }
      }
      for (int k = 0; k < sub.size(); k++) {
        out[e.getValue().get(k)] = done.get(k);
      }
    }
    return Arrays.asList(out);
  }

  private List<Outcome> handleAll(
      ModelParts parts, List<Job> jobs, Function<String, CatalogItem> catalog, long nowMs) {
    RequestValidator validator = parts.validator;
    AnswerBuilder answers = parts.answers;
    long t0 = System.nanoTime();
    Outcome[] outcomes = new Outcome[jobs.size()];
    List<Prepared> ready = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      Request request = jobs.get(i).request();
      try {
        ready.add(validator.prepare(request, jobs.get(i).history(), catalog));
        at.add(i);
      } catch (Rejection r) {
        outcomes[i] = Outcome.rejected(answers.rejected(request, r.getMessage(), nowMs));
      } catch (RuntimeException e) {
        outcomes[i] = Outcome.rejected(answers.rejected(request, "generation failed: " + e, nowMs));
      }
    }
    stages.stage("prepare", System.nanoTime() - t0);
    List<Outcome> served = serveAll(parts, ready, nowMs);
    for (int j = 0; j < served.size(); j++) {
      outcomes[at.get(j)] = served.get(j);
    }
    return Arrays.asList(outcomes);
  }

  private List<Outcome> serveAll(ModelParts parts, List<Prepared> batch, long nowMs) {
    if (batch.isEmpty()) {
      return List.of();
    }
    AnswerBuilder answers = parts.answers;
    try {
      return generateAll(parts, batch, nowMs);
    } catch (OutOfMemoryError e) {
      throw new InfrastructureFailure(e);
    } catch (RuntimeException e) {
      if (InfrastructureFailure.isInfrastructure(e)) {
        throw e instanceof InfrastructureFailure f ? f : new InfrastructureFailure(e);
      }
      if (batch.size() == 1) {
        // A generator failure still gets its one answer, with the cause.
        return List.of(
            Outcome.rejected(
                answers.rejected(batch.get(0).request(), "generation failed: " + e, nowMs)));
      }
      List<Outcome> out = new ArrayList<>();
      for (Prepared p : batch) {
        out.addAll(serveAll(parts, List.of(p), nowMs));
      }
      return out;
    }
  }

  private List<Outcome> generateAll(ModelParts parts, List<Prepared> batch, long nowMs) {
    AnswerBuilder answers = parts.answers;
    List<Generated> generated = parts.pipeline.run(batch, stages);
    long t0 = System.nanoTime();
    List<Outcome> out = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      out.add(answers.served(batch.get(i), generated.get(i), nowMs));
    }
    stages.stage("publish", System.nanoTime() - t0);
    return out;
  }
}
