package io.pigeonstreams.personalize;

/**
 * What feedback on a published image needs beyond its {@link Answer}: the prompt (the reference and
 * the instruction) and the image's own visual tokens. The engine keeps it, with the answer, in the
 * {@code served-images} store until feedback can no longer arrive.
 *
 * @param referenceItemId the catalog reference, or null for an inline reference image
 * @param tokenizer the name of the tokenizer that made {@code tokens} (empty when there are none)
 */
public record Served(
    String referenceItemId,
    int[] referenceTokens,
    String instruction,
    int[] tokens,
    String tokenizer) {}
