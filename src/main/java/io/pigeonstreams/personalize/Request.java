package io.pigeonstreams.personalize;

import java.time.Instant;

/**
 * A generation request as the pipeline reads it (the {@code generation-requests} record, without
 * its serialization).
 *
 * @param referenceItemId the catalog item to personalize, or null for an inline image
 * @param referenceImage the inline reference's PNG bytes, or null
 * @param instruction text for the generator (blank: the reference's caption)
 * @param alphaH history mask ratio, or null for the engine's default
 * @param alphaR reference mask ratio of a single candidate, or null for the engine's default
 * @param candidates how many candidates to generate (0: the engine's default)
 * @param experimentVariant the variant the request was assigned to, or null for the engine's
 * @param timestamp when the request was made (null: now), for the answer's latency
 * @param options 1: one image; 2: two shown side by side, the user's pick makes a pair
 * @param experimentId the experiment that assigned {@code experimentVariant}, or null
 */
public record Request(
    String requestId,
    String userId,
    String referenceItemId,
    byte[] referenceImage,
    String instruction,
    Double alphaH,
    Double alphaR,
    int candidates,
    String experimentVariant,
    Instant timestamp,
    int options,
    String experimentId) {

  /** A request outside any experiment. */
  public Request(
      String requestId,
      String userId,
      String referenceItemId,
      byte[] referenceImage,
      String instruction,
      Double alphaH,
      Double alphaR,
      int candidates,
      String experimentVariant,
      Instant timestamp,
      int options) {
    this(
        requestId,
        userId,
        referenceItemId,
        referenceImage,
        instruction,
        alphaH,
        alphaR,
        candidates,
        experimentVariant,
        timestamp,
        options,
        null);
  }
}
