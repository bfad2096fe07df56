package io.pigeonstreams.topology;

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
import io.pigeonstreams.generate.StickerImage;
import io.pigeonstreams.generate.VisualTokenizer;
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

  /** What the engine publishes for one request. */
  public record Outcome(GeneratedImage image, PreferencePair pair) {}

  /** The engine's knobs for requests (see pigeon-streams.properties). */
  public record Settings(
      double defaultAlphaH,
      double defaultAlphaR,
      int maxCandidates,
      int maxImageBytes,
      int maxImageSide,
      String experimentVariant) {}

  private final Settings settings;
  private final VisualTokenizer tokenizer;
  private final HistoryMasker masker;
  private final ImageGenerator generator;
  private final PreferenceScorer scorer;

  public Personalizer(
      Settings settings,
      VisualTokenizer tokenizer,
      HistoryMasker masker,
      ImageGenerator generator,
      PreferenceScorer scorer) {
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

  public Outcome handle(
      GenerationRequest request,
      UserHistory history,
      Function<String, CatalogEntry> catalog,
      long nowMs) {
    try {
      return serve(request, history, catalog, nowMs);
    } catch (Rejection r) {
      return new Outcome(rejected(request, r.getMessage(), nowMs), null);
    } catch (RuntimeException e) {
      // A generator failure still gets its one answer, with the cause.
      return new Outcome(rejected(request, "generation failed: " + e, nowMs), null);
    }
  }

  private Outcome serve(
      GenerationRequest request,
      UserHistory history,
      Function<String, CatalogEntry> catalog,
      long nowMs)
      throws Rejection {
    if (isBlank(request.getUserId())) {
      throw new Rejection("missing user id");
    }
    if (isBlank(request.getRequestId())) {
      throw new Rejection("missing request id");
    }
    double alphaH = ratio("alpha_h", request.getAlphaH(), settings.defaultAlphaH());
    double alphaR = ratio("alpha_r", request.getAlphaR(), settings.defaultAlphaR());
    int k = request.getCandidates();
    if (k < 1 || k > settings.maxCandidates()) {
      throw new Rejection("candidates must be in [1, " + settings.maxCandidates() + "], got " + k);
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
    boolean coldStart = joined.isEmpty();

    // mask: drop the noisy fraction alpha_h of the history
    List<HistoryEntry> kept = masker.keep(joined, alphaH, reference.image());
    Set<String> keptIds =
        kept.stream()
            .filter(e -> Arrays.stream(e.tokens()).anyMatch(t -> t >= 0))
            .map(HistoryEntry::itemId)
            .collect(Collectors.toSet());

    // generate: one candidate per alpha_r
    List<Double> grid = alphaGrid(k, alphaR);
    List<Candidate> candidates =
        generator.generate(
            new GenerationContext(
                request.getRequestId(),
                kept,
                reference.image(),
                reference.tokens(),
                reference.caption(),
                grid));
    if (candidates.size() != grid.size()) {
      throw new IllegalStateException(
          "generator returned " + candidates.size() + " candidates for " + grid.size());
    }

    // score: personalization against the whole (unmasked) history, alignment against the reference
    List<float[]> historyImages = joined.stream().map(HistoryEntry::image).toList();
    List<PreferenceScorer.Scores> scores =
        scorer.score(
            candidates.stream().map(Candidate::image).toList(), historyImages, reference.image());
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
    GeneratedImage image =
        base(request, nowMs)
            .setStatus(coldStart ? Status.COLD_START : Status.OK)
            .setImage(ByteBuffer.wrap(StickerImage.toPng(chosen.image())))
            .setHistoryItemIds(historyIds)
            .setMaskedHistoryItemIds(maskedIds)
            .setAlphaH(alphaH)
            .setAlphaR(chosen.alphaR())
            .setScores(avro(scores.get(best)))
            .build();
    PreferencePair pair = null;
    if (candidates.size() > 1 && best != worst) {
      Candidate rejected = candidates.get(worst);
      pair =
          PreferencePair.newBuilder()
              .setPairId(request.getRequestId() + "/model")
              .setUserId(request.getUserId())
              .setRequestId(request.getRequestId())
              .setHistoryItemIds(historyIds)
              .setReferenceItemId(reference.itemId())
              .setInstruction(request.getInstruction())
              .setChosenAlphaR(chosen.alphaR())
              .setRejectedAlphaR(rejected.alphaR())
              .setChosenImage(ByteBuffer.wrap(StickerImage.toPng(chosen.image())))
              .setRejectedImage(ByteBuffer.wrap(StickerImage.toPng(rejected.image())))
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
