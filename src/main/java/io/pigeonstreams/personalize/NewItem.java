package io.pigeonstreams.personalize;

import java.time.Instant;

/**
 * An item arriving on the {@code items} topic, before it is tokenized into a {@link CatalogItem}.
 *
 * @param image its PNG bytes, or null when it only has a URI (not served yet)
 */
public record NewItem(
    String itemId,
    byte[] image,
    String caption,
    String category,
    String style,
    Instant createdAt) {}
