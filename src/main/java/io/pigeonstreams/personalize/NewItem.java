package io.pigeonstreams.personalize;

import java.time.Instant;

/**
 * An item arriving on the {@code items} topic, before it is tokenized into a {@link CatalogItem}.
 *
 * @param image its PNG bytes, or null when it only has a URI
 * @param imageUri where a claim check stored its PNG (read only inside the claim-check folder), or
 *     null
 */
public record NewItem(
    String itemId,
    byte[] image,
    String imageUri,
    String caption,
    String category,
    String style,
    Instant createdAt) {}
