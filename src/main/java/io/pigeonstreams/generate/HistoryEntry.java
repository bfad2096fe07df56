package io.pigeonstreams.generate;

/**
 * One history item as the generator sees it: catalog id, 3x32x32 image and visual tokens (what is
 * masked is a {@link MaskedHistory}'s, never the tokens').
 */
public record HistoryEntry(String itemId, float[] image, int[] tokens) {}
