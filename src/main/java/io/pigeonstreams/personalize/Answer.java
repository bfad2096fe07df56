package io.pigeonstreams.personalize;

import io.pigeonstreams.generate.PreferenceScorer;
import java.time.Instant;
import java.util.List;

/**
 * The one answer to a request (the {@code generated-images} record, without its serialization).
 *
 * @param reason why a REJECTED request was refused, null otherwise
 * @param image the chosen image's PNG bytes, or null when it went through the claim check
 * @param imageUri where the claim check stored the image, or null
 * @param historyItemIds the user's history as joined with the catalog, most recent first
 * @param maskedHistoryItemIds the part of it the mask generator masked
 * @param scores the chosen image's scores (null when REJECTED)
 * @param experimentId the experiment that assigned the variant, or null
 * @param alternative the second option of a request for two, or null
 */
public record Answer(
    String requestId,
    String userId,
    String imageId,
    Status status,
    String reason,
    byte[] image,
    String imageUri,
    String modelVersion,
    String experimentVariant,
    String experimentId,
    List<String> historyItemIds,
    List<String> maskedHistoryItemIds,
    double alphaH,
    double alphaR,
    PreferenceScorer.Scores scores,
    long latencyMs,
    Instant timestamp,
    Option alternative) {

  /** An image shown beside the chosen one: inline or claim-checked, with its tokens and scores. */
  public record Option(
      String imageId,
      byte[] image,
      String imageUri,
      double alphaR,
      PreferenceScorer.Scores scores,
      int[] tokens) {}

  /** OK: generated from a history; COLD_START: from the reference alone; REJECTED: refused. */
  public enum Status {
    OK,
    COLD_START,
    REJECTED
  }
}
