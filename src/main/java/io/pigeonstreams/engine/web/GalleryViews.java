package io.pigeonstreams.engine.web;

import io.pigeonstreams.avro.HistoryItem;
import io.pigeonstreams.avro.ServedImage;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.personalize.experiment.ExperimentReport;
import java.util.ArrayList;
import java.util.List;

/** What the gallery's JSON API answers: plain records Jackson writes as they are. */
final class GalleryViews {

  private GalleryViews() {}

  /** One item of a user's history. */
  record Item(String itemId, String action, long timestamp, String generatedImageId) {
    static Item of(HistoryItem h) {
      return new Item(
          h.getItemId(),
          h.getAction().name(),
          h.getTimestamp().toEpochMilli(),
          h.getGeneratedImageId());
    }
  }

  /** A user's history as the store holds it: liked, rejected, and reactions to generated images. */
  record History(String userId, List<Item> positives, List<Item> negatives, List<Item> feedback) {
    static History of(String userId, UserHistory h) {
      if (h == null) {
        return new History(userId, List.of(), List.of(), List.of());
      }
      return new History(
          userId,
          h.getPositives().stream().map(Item::of).toList(),
          h.getNegatives().stream().map(Item::of).toList(),
          h.getFeedback().stream().map(Item::of).toList());
    }
  }

  /** An image generated for a user, without its pixels (see {@code png}). */
  record Image(
      String imageId,
      String userId,
      String requestId,
      long createdAt,
      String modelVersion,
      String experimentId,
      String variant,
      double alphaH,
      double alphaR,
      Double personalization,
      Double semanticAlignment,
      String referenceItemId,
      String reaction,
      String png) {
    static Image of(ServedImage s) {
      return new Image(
          s.getImageId(),
          s.getUserId(),
          s.getRequestId(),
          s.getCreatedAt().toEpochMilli(),
          s.getModelVersion(),
          s.getExperimentId(),
          s.getExperimentVariant(),
          s.getAlphaH(),
          s.getAlphaR(),
          s.getScores() == null ? null : s.getScores().getPersonalization(),
          s.getScores() == null ? null : s.getScores().getSemanticAlignment(),
          s.getReferenceItemId(),
          s.getReaction() == null ? null : s.getReaction().name(),
          "/api/users/"
              + Gallery.encode(s.getUserId())
              + "/image.png?id="
              + Gallery.encode(s.getImageId()));
    }
  }

  /** A catalog item. */
  record CatalogItem(String itemId, String caption, String category, String style, String png) {}

  /** What one instance serves. */
  record Instance(String host, String modelVersion, List<String> variantModels, boolean ready) {}

  /** An accepted write: the record's key and id. */
  record Accepted(String id, String topic) {}

  /** A refused write or a failed query. */
  record Problem(String error) {}

  /** An experiment's report: the rows, the sample-ratio check and the text table. */
  record Report(
      String experimentId,
      List<String> variants,
      long[] users,
      long[] exposures,
      double srmP,
      boolean sampleRatioMismatch,
      List<Row> rows,
      String text) {
    static Report of(ExperimentReport.Result r) {
      List<Row> rows = new ArrayList<>();
      for (ExperimentReport.Row x : r.rows()) {
        rows.add(
            new Row(
                x.variant(),
                x.metric(),
                x.judged(),
                x.n(),
                x.mean(),
                x.controlMean(),
                finite(x.lift().lift()),
                finite(x.lift().low()),
                finite(x.lift().high()),
                finite(x.p()),
                finite(x.adjustedP()),
                x.decision()));
      }
      return new Report(
          r.experimentId(),
          r.variants(),
          r.users(),
          r.exposures(),
          finite(r.srmP()),
          r.sampleRatioMismatch(),
          rows,
          r.render());
    }
  }

  /** One treatment metric against the control. */
  record Row(
      String variant,
      String metric,
      boolean judged,
      long users,
      double value,
      double control,
      Double lift,
      Double liftLow,
      Double liftHigh,
      Double p,
      Double adjustedP,
      String decision) {}

  /** JSON has no NaN: null instead. */
  static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
