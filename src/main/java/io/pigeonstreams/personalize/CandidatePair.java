package io.pigeonstreams.personalize;

import io.pigeonstreams.generate.PreferenceScorer;
import java.time.Instant;
import java.util.List;

/**
 * A preference pair from a request's candidates, ranked by the production scorer (the {@code
 * preference-pairs} record of source MODEL_SCORE, without its serialization): the whole prompt (the
 * history, what was masked at which alpha_h, the reference and the instruction) with the best
 * candidate chosen and the worst rejected. An image is inline or, past the claim check, a URI.
 */
public record CandidatePair(
    String pairId,
    String userId,
    String requestId,
    List<String> historyItemIds,
    String referenceItemId,
    int[] referenceTokens,
    double alphaH,
    List<String> maskedHistoryItemIds,
    String instruction,
    double chosenAlphaR,
    double rejectedAlphaR,
    byte[] chosenImage,
    String chosenImageUri,
    byte[] rejectedImage,
    String rejectedImageUri,
    int[] chosenTokens,
    int[] rejectedTokens,
    PreferenceScorer.Scores chosenScores,
    PreferenceScorer.Scores rejectedScores,
    String modelVersion,
    Instant timestamp) {}
