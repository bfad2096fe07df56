package io.pigeonstreams.personalize;

import java.time.Instant;

/**
 * An item of the catalog as the pipeline reads it: its raster at model resolution and its visual
 * tokens, computed once when the item arrived ({@link CatalogTokenizer}).
 *
 * @param raster the image as {@code StickerImage.toRaw} bytes
 * @param tokenizer the name of the tokenizer that made {@code tokens}
 */
public record CatalogItem(
    String itemId,
    String caption,
    String category,
    String style,
    byte[] raster,
    int[] tokens,
    String tokenizer,
    Instant createdAt) {}
