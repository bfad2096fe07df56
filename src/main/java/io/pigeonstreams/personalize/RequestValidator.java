package io.pigeonstreams.personalize;

import io.pigeonstreams.generate.Candidates;
import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.image.StickerImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The first step of a request: checks it (ids, ratios, candidate count, reference), resolves its
 * reference and joins the user's history with the catalog. A request that cannot be served is a
 * {@link Rejection} whose message is the REJECTED reason.
 */
final class RequestValidator {

  /** Thrown for a request that cannot be served; its message is the REJECTED reason. */
  static final class Rejection extends Exception {
    Rejection(String reason) {
      super(reason, null, false, false);
    }
  }

  /** The request's reference: image, visual tokens, caption, and catalog id (null: inline). */
  record Reference(float[] image, int[] tokens, String caption, String itemId) {}

  /**
   * A valid request, joined with its history (most recent first), ready for the models.
   *
   * @param grid the alpha_r of its candidates
   */
  record Prepared(
      Request request,
      double alphaH,
      List<Double> grid,
      Reference reference,
      List<HistoryEntry> joined,
      int options) {}

  private final Personalizer.Settings settings;
  private final CatalogTokenizer catalogTokens;

  RequestValidator(Personalizer.Settings settings, CatalogTokenizer catalogTokens) {
    this.settings = settings;
    this.catalogTokens = catalogTokens;
  }

  /**
   * The candidates a request asks for: its own count, or for 0 the engine's default (at least the
   * paper's sweep, capped by the maximum, when it asks for two options).
   */
  int candidates(int requested, int options) {
    int k = requested == 0 ? settings.defaultCandidates() : requested;
    if (options == 2 && requested == 0 && k < 2) {
      k = Math.min(settings.maxCandidates(), Candidates.PAPER_GRID_SIZE);
    }
    return k;
  }

  /** The longest id taken (user, request, reference item). */
  static final int MAX_ID = 200;

  /** The longest instruction taken, in characters. */
  static final int MAX_INSTRUCTION = 2000;

  private static void length(String what, String value, int max) throws Rejection {
    if (value != null && value.length() > max) {
      throw new Rejection(what + " of " + value.length() + " characters (at most " + max + ")");
    }
  }

  Prepared prepare(Request request, History history, Function<String, CatalogItem> catalog)
      throws Rejection {
    if (isBlank(request.userId())) {
      throw new Rejection("missing user id");
    }
    if (isBlank(request.requestId())) {
      throw new Rejection("missing request id");
    }
    length("user id", request.userId(), MAX_ID);
    length("request id", request.requestId(), MAX_ID);
    length("reference item id", request.referenceItemId(), MAX_ID);
    length("instruction", request.instruction(), MAX_INSTRUCTION);
    double alphaH = ratio("alpha_h", request.alphaH(), settings.defaultAlphaH());
    double alphaR = ratio("alpha_r", request.alphaR(), settings.defaultAlphaR());
    if (request.options() != 1 && request.options() != 2) {
      throw new Rejection("options must be 1 or 2, got " + request.options());
    }
    int k = candidates(request.candidates(), request.options());
    if (request.options() == 2 && k < 2) {
      throw new Rejection("two options need at least 2 candidates, got " + k);
    }
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
      for (HistoryItem item : history.positives()) {
        CatalogItem entry = catalog.apply(item.itemId());
        if (entry != null) {
          joined.add(catalogTokens.historyEntry(entry));
        }
      }
    }
    return new Prepared(
        request,
        alphaH,
        CandidateSelection.alphaRs(k, alphaR),
        reference,
        joined,
        request.options());
  }

  private Reference reference(Request request, Function<String, CatalogItem> catalog)
      throws Rejection {
    if (request.referenceItemId() != null) {
      CatalogItem entry = catalog.apply(request.referenceItemId());
      if (entry == null) {
        throw new Rejection("unknown reference item '" + request.referenceItemId() + "'");
      }
      float[] image = CatalogTokenizer.image(entry);
      return new Reference(
          image,
          catalogTokens.tokens(entry, image),
          captionOf(request, entry.caption()),
          entry.itemId());
    }
    if (request.referenceImage() == null) {
      throw new Rejection("no reference: set referenceItemId or referenceImage");
    }
    byte[] png = request.referenceImage();
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
    return new Reference(image, catalogTokens.tokenize(image), captionOf(request, ""), null);
  }

  private static String captionOf(Request request, String itemCaption) {
    return request.instruction().isBlank() ? itemCaption : request.instruction();
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

  static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
