package io.pigeonstreams.generate;

/**
 * One history item as the generator sees it: catalog id, 3x32x32 image and visual tokens. A
 * token-level masker marks a masked token negative ({@code -id - 1}); an item with every token
 * masked counts as masked.
 */
public record HistoryEntry(String itemId, float[] image, int[] tokens) {}
