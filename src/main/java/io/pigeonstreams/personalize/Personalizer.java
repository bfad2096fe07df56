package io.pigeonstreams.personalize;

import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.HistoryItem;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.avro.PreferenceScores;
import io.pigeonstreams.avro.PreferenceSource;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.HistoryMasker;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.generate.PreferenceScorer;
import io.pigeonstreams.generate.VisualTokenizer;
import io.pigeonstreams.image.StickerImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One generation request, start to end, without Kafka: validate, join the user's history with the
 * catalog, mask it (alpha_h), generate candidates (alpha_r), score them and build the answer —
 * exactly one {@link GeneratedImage} per request — plus a preference pair when there was more than
 * one candidate.
 */
public final class Personalizer {

  /** Told how long each stage of a micro-batch took: prepare, mask, generate, score, publish. */
  @FunctionalInterface
  public interface StageListener {
    void stage(String stage, long nanos);

    StageListener NONE = (stage, nanos) -> {};
  }

  /** What the engine publishes for one request. */
  public record Outcome(GeneratedImage image, PreferencePair pair) {}

  /** The engine's knobs for requests (see pigeon-streams.properties). */
  public record Settings(
      double defaultAlphaH,
      double defaultAlphaR,
      int defaultCandidates,
      int maxCandidates,
      int maxImageBytes,
      int maxImageSide,
      String experimentVariant) {}

  private final Settings settings;
  private final VisualTokenizer tokenizer;
  private final HistoryMasker masker;
  private final ImageGenerator generator;
  private final PreferenceScorer scorer;
  private final ClaimCheck claimCheck;
  private volatile StageListener stages = StageListener.NONE;

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
    this.claimCheck = claimCheck;
    this.settings = settings;
    this.tokenizer = tokenizer;
    this.masker = masker;
    this.generator = generator;
    this.scorer = scorer;
  }

  /** Thrown for a request that cannot be served; its message is the REJECTED reason. */
  static final class Rejection extends Exception {
    Rejection(String reason) {
      super(reason, null, false, false);
    }
  }

  private record Reference(float[] image, int[] tokens, String caption, String itemId) {}

  /** One request of a micro-batch with the user's history as the store holds it. */
  public record Job(GenerationRequest request, UserHistory history) {}

  /** Where the stage timings of each micro-batch go (the engine's meters). */
  public void onStage(StageListener listener) {
    this.stages = listener;
  }

  /** The candidates a request asks for: its own count, or the engine's default for 0. */
  public int candidates(GenerationRequest request) {
    return request.getCandidates() == 0 ? settings.defaultCandidates() : request.getCandidates();
  }

  /** A single request: a micro-batch of one. */
  public Outcome handle(
      GenerationRequest request,
      UserHistory history,
      Function<String, CatalogEntry> catalog,
      long nowMs) {
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
      List<Job> jobs, Function<String, CatalogEntry> catalog, long nowMs) {
    long t0 = System.nanoTime();
    Outcome[] outcomes = new Outcome[jobs.size()];
    List<Prepared> ready = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      GenerationRequest request = jobs.get(i).request();
      try {
        ready.add(prepare(request, jobs.get(i).history(), catalog));
        at.add(i);
      } catch (Rejection r) {
        outcomes[i] = new Outcome(rejected(request, r.getMessage(), nowMs), null);
      } catch (RuntimeException e) {
        outcomes[i] = new Outcome(rejected(request, "generation failed: " + e, nowMs), null);
      }
    }
    stages.stage("prepare", System.nanoTime() - t0);
    List<Outcome> served = serveAll(ready, nowMs);
    for (int j = 0; j < served.size(); j++) {
      outcomes[at.get(j)] = served.get(j);
    }
    return Arrays.asList(outcomes);
  }

  private List<Outcome> serveAll(List<Prepared> batch, long nowMs) {
    if (batch.isEmpty()) {
      return List.of();
    }
    try {
      return generateAll(batch, nowMs);
    } catch (RuntimeException e) {
      if (batch.size() == 1) {
        // A generator failure still gets its one answer, with the cause.
        return List.of(
            new Outcome(rejected(batch.get(0).request(), "generation failed: " + e, nowMs), null));
      }
      List<Outcome> out = new ArrayList<>();
      for (Prepared p : batch) {
        out.addAll(serveAll(List.of(p), nowMs));
      }
      return out;
    }
  }

  /** A valid request, joined with its history, ready for the models. */
  private record Prepared(
      GenerationRequest request,
      double alphaH,
      List<Double> grid,
      Reference reference,
      List<HistoryEntry> joined) {}

  private Prepared prepare(
      GenerationRequest request, UserHistory history, Function<String, CatalogEntry> catalog)
      throws Rejection {
    if (isBlank(request.getUserId())) {
      throw new Rejection("missing user id");
    }
    if (isBlank(request.getRequestId())) {
      throw new Rejection("missing request id");
    }
    double alphaH = ratio("alpha_h", request.getAlphaH(), settings.defaultAlphaH());
    double alphaR = ratio("alpha_r", request.getAlphaR(), settings.defaultAlphaR());
    int k = candidates(request);
    if (k < 1 || k > settings.maxCandidates()) {
      throw new Rejection(
          "candidates must be in [1, "
              + settings.maxCandidates()
              + "] (or 0 for the engine's default), got "
              + k);
    }
    Reference reference = reference(request, catalog);

    // join: the user's history, resolved in the catalog (items no longer there are skipped)
    List<HistoryEntry> joined = new ArrayList<>();
    if (history != null) {
      for (HistoryItem item : history.getPositives()) {
        CatalogEntry entry = catalog.apply(item.getItemId());
        if (entry != null) {
          joined.add(entryOf(entry));
        }
      }
    }
    return new Prepared(request, alphaH, alphaGrid(k, alphaR), reference, joined);
  }

  private List<Outcome> generateAll(List<Prepared> batch, long nowMs) {
    // mask: drop the noisy fraction alpha_h of each history
    long t0 = System.nanoTime();
    List<List<HistoryEntry>> kept =
        masker.keepAll(
            batch.stream()
                .map(
                    p ->
                        new HistoryMasker.Task(
                            p.joined(), p.alphaH(), p.reference().image(), p.reference().tokens()))
                .toList());

    // generate: one candidate per request and alpha_r
    List<GenerationContext> contexts = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Prepared p = batch.get(i);
      contexts.add(
          new GenerationContext(
              p.request().getRequestId(),
              kept.get(i),
              p.reference().image(),
              p.reference().tokens(),
              p.reference().caption(),
              p.grid()));
    }
    long t1 = System.nanoTime();
    stages.stage("mask", t1 - t0);
    List<List<Candidate>> candidates = generator.generateAll(contexts);
    long t2 = System.nanoTime();
    stages.stage("generate", t2 - t1);

    // score: personalization against the whole (unmasked) history, alignment against the reference
    List<float[]> images = new ArrayList<>();
    List<List<float[]>> histories = new ArrayList<>();
    List<float[]> references = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Prepared p = batch.get(i);
      if (candidates.get(i).size() != p.grid().size()) {
        throw new IllegalStateException(
            "generator returned "
                + candidates.get(i).size()
                + " candidates for "
                + p.grid().size());
      }
      List<float[]> historyImages = p.joined().stream().map(HistoryEntry::image).toList();
      for (Candidate c : candidates.get(i)) {
        images.add(c.image());
        histories.add(historyImages); // one list per request: encoded once
        references.add(p.reference().image());
      }
    }
    List<PreferenceScorer.Scores> scores = scorer.score(images, histories, references);
    long t3 = System.nanoTime();
    stages.stage("score", t3 - t2);

    List<Outcome> out = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < batch.size(); i++) {
      int k = candidates.get(i).size();
      out.add(
          publish(
              batch.get(i), kept.get(i), candidates.get(i), scores.subList(from, from + k), nowMs));
      from += k;
    }
    stages.stage("publish", System.nanoTime() - t3);
    return out;
  }

  private Outcome publish(
      Prepared p,
      List<HistoryEntry> kept,
      List<Candidate> candidates,
      List<PreferenceScorer.Scores> scores,
      long nowMs) {
    GenerationRequest request = p.request();
    Reference reference = p.reference();
    List<HistoryEntry> joined = p.joined();
    Set<String> keptIds =
        kept.stream()
            .filter(e -> Arrays.stream(e.tokens()).anyMatch(t -> t >= 0))
            .map(HistoryEntry::itemId)
            .collect(Collectors.toSet());
    int best = 0;
    int worst = 0;
    for (int i = 1; i < candidates.size(); i++) {
      if (scores.get(i).combined() > scores.get(best).combined()) {
        best = i;
      }
      if (scores.get(i).combined() < scores.get(worst).combined()) {
        worst = i;
      }
    }

    // publish
    List<String> historyIds = joined.stream().map(HistoryEntry::itemId).toList();
    List<String> maskedIds = historyIds.stream().filter(id -> !keptIds.contains(id)).toList();
    Candidate chosen = candidates.get(best);
    byte[] chosenPng = StickerImage.toPng(chosen.image());
    String chosenUri = claimCheck.needed(chosenPng) ? claimCheck.store(chosenPng, "png") : null;
    GeneratedImage image =
        base(request, nowMs)
            .setStatus(joined.isEmpty() ? Status.COLD_START : Status.OK)
            .setImage(chosenUri == null ? ByteBuffer.wrap(chosenPng) : null)
            .setImageUri(chosenUri)
            .setHistoryItemIds(historyIds)
            .setMaskedHistoryItemIds(maskedIds)
            .setAlphaH(p.alphaH())
            .setAlphaR(chosen.alphaR())
            .setScores(avro(scores.get(best)))
            .build();
    PreferencePair pair = null;
    if (candidates.size() > 1 && best != worst) {
      Candidate rejected = candidates.get(worst);
      byte[] rejectedPng = StickerImage.toPng(rejected.image());
      String rejectedUri =
          claimCheck.needed(rejectedPng) ? claimCheck.store(rejectedPng, "png") : null;
      pair =
          PreferencePair.newBuilder()
              .setPairId(request.getRequestId() + "/model")
              .setUserId(request.getUserId())
              .setRequestId(request.getRequestId())
              .setHistoryItemIds(historyIds)
              .setReferenceItemId(reference.itemId())
              .setReferenceTokens(ints(reference.tokens()))
              .setAlphaH(p.alphaH())
              .setMaskedHistoryItemIds(maskedIds)
              .setInstruction(request.getInstruction())
              .setChosenAlphaR(chosen.alphaR())
              .setRejectedAlphaR(rejected.alphaR())
              .setChosenImage(chosenUri == null ? ByteBuffer.wrap(chosenPng) : null)
              .setChosenImageUri(chosenUri)
              .setRejectedImage(rejectedUri == null ? ByteBuffer.wrap(rejectedPng) : null)
              .setRejectedImageUri(rejectedUri)
              .setChosenTokens(ints(chosen.tokens()))
              .setRejectedTokens(ints(rejected.tokens()))
              .setChosenScores(avro(scores.get(best)))
              .setRejectedScores(avro(scores.get(worst)))
              .setSource(PreferenceSource.MODEL_SCORE)
              .setModelVersion(generator.modelVersion())
              .setTimestamp(Instant.ofEpochMilli(nowMs))
              .build();
    }
    return new Outcome(image, pair);
  }

  private Reference reference(GenerationRequest request, Function<String, CatalogEntry> catalog)
      throws Rejection {
    if (request.getReferenceItemId() != null) {
      CatalogEntry entry = catalog.apply(request.getReferenceItemId());
      if (entry == null) {
        throw new Rejection("unknown reference item '" + request.getReferenceItemId() + "'");
      }
      float[] image = StickerImage.fromRaw(StickerImage.bytes(entry.getRaster()));
      return new Reference(
          image, tokensOf(entry, image), captionOf(request, entry.getCaption()), entry.getItemId());
    }
    if (request.getReferenceImage() == null) {
      throw new Rejection("no reference: set referenceItemId or referenceImage");
    }
    byte[] png = StickerImage.bytes(request.getReferenceImage());
    if (png.length > settings.maxImageBytes()) {
      throw new Rejection(
          "reference image is "
              + png.length
              + " bytes, over the "
              + settings.maxImageBytes()
              + " byte limit");
    }
    float[] image;
    try {
      image = StickerImage.fromPng(png, settings.maxImageSide());
    } catch (IOException | RuntimeException e) {
      throw new Rejection("reference image is corrupt or too large: " + e.getMessage());
    }
    return new Reference(image, tokenizer.tokenize(image), captionOf(request, ""), null);
  }

  private static String captionOf(GenerationRequest request, String itemCaption) {
    return request.getInstruction().isBlank() ? itemCaption : request.getInstruction();
  }

  private static double ratio(String name, Double value, double fallback) throws Rejection {
    if (value == null) {
      return fallback;
    }
    if (!(value >= 0 && value <= 1)) {
      throw new Rejection(name + " must be in [0, 1], got " + value);
    }
    return value;
  }

  /** k = 1: the request's alpha_r; k > 1: k evenly spaced values over [0, 1] (11: 0.0, 0.1, …). */
  static List<Double> alphaGrid(int k, double alphaR) {
    if (k == 1) {
      return List.of(alphaR);
    }
    List<Double> grid = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      grid.add(Math.round(i * 1000.0 / (k - 1)) / 1000.0);
    }
    return grid;
  }

  private HistoryEntry entryOf(CatalogEntry entry) {
    float[] image = StickerImage.fromRaw(StickerImage.bytes(entry.getRaster()));
    return new HistoryEntry(entry.getItemId(), image, tokensOf(entry, image));
  }

  /** The entry's tokens, or fresh ones when another tokenizer (an older model) made them. */
  private int[] tokensOf(CatalogEntry entry, float[] image) {
    return tokenizer.name().equals(entry.getTokenizer())
        ? toArray(entry.getTokens())
        : tokenizer.tokenize(image);
  }

  /** A catalog entry for an arriving item: its raster at model resolution and its tokens. */
  public static CatalogEntry catalogEntry(
      io.pigeonstreams.avro.Item item, VisualTokenizer tokenizer, int maxSide) throws IOException {
    if (item.getImage() == null) {
      throw new IOException("item " + item.getItemId() + " has no inline image");
    }
    float[] image = StickerImage.fromPng(StickerImage.bytes(item.getImage()), maxSide);
    return CatalogEntry.newBuilder()
        .setItemId(item.getItemId())
        .setCaption(item.getCaption())
        .setCategory(item.getCategory())
        .setStyle(item.getStyle())
        .setRaster(ByteBuffer.wrap(StickerImage.toRaw(image)))
        .setTokens(ints(tokenizer.tokenize(image)))
        .setTokenizer(tokenizer.name())
        .setCreatedAt(item.getCreatedAt())
        .build();
  }

  private GeneratedImage.Builder base(GenerationRequest request, long nowMs) {
    long requested = request.getTimestamp() == null ? nowMs : request.getTimestamp().toEpochMilli();
    String requestId = isBlank(request.getRequestId()) ? "" : request.getRequestId();
    return GeneratedImage.newBuilder()
        .setRequestId(requestId)
        .setUserId(request.getUserId() == null ? "" : request.getUserId())
        .setImageId(requestId + "/" + generator.modelVersion())
        .setModelVersion(generator.modelVersion())
        .setExperimentVariant(
            request.getExperimentVariant() != null
                ? request.getExperimentVariant()
                : settings.experimentVariant())
        .setLatencyMs(Math.max(0, nowMs - requested))
        .setTimestamp(Instant.ofEpochMilli(nowMs));
  }

  private GeneratedImage rejected(GenerationRequest request, String reason, long nowMs) {
    return base(request, nowMs).setStatus(Status.REJECTED).setReason(reason).build();
  }

  private static PreferenceScores avro(PreferenceScorer.Scores s) {
    return new PreferenceScores(s.personalization(), s.semanticAlignment());
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static List<Integer> ints(int[] values) {
    List<Integer> out = new ArrayList<>(values.length);
    for (int v : values) {
      out.add(v);
    }
    return out;
  }

  private static int[] toArray(List<Integer> values) {
    int[] out = new int[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
