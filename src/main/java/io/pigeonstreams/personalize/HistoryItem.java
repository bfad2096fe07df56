package io.pigeonstreams.personalize;

import java.time.Instant;

/**
 * One interaction as a user's history holds it (and as it arrives: the policy reads an interaction
 * as the item it would add).
 *
 * @param generatedImageId the generated image the interaction is about (feedback), or null
 */
public record HistoryItem(
    String itemId, Action action, Instant timestamp, String generatedImageId) {}
