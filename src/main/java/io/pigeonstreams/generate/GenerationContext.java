package io.pigeonstreams.generate;

import java.util.List;

/**
 * One request as the generator receives it: the masked history (most recent first), the reference,
 * its caption and the reference mask ratios of the candidates to generate.
 */
public record GenerationContext(
    String requestId,
    MaskedHistory history,
    float[] reference,
    int[] referenceTokens,
    String caption,
    List<Double> alphaR) {}
