package io.pigeonstreams.workload;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.image.StickerImage;
import java.nio.ByteBuffer;
import java.time.Instant;

/** The input records a client sends, built the one way the demo, the benchmarks and tests do. */
public final class Records {

  private Records() {}

  /** A catalog item with its image as PNG, created now. */
  public static Item item(
      String itemId, float[] image, String caption, String category, String style) {
    return Item.newBuilder()
        .setItemId(itemId)
        .setImage(ByteBuffer.wrap(StickerImage.toPng(image)))
        .setCaption(caption)
        .setCategory(category)
        .setStyle(style)
        .setCreatedAt(Instant.now())
        .build();
  }

  /** A user's action on an item at {@code timestampMs}. */
  public static Interaction interaction(
      String user, String itemId, Action action, long timestampMs) {
    return Interaction.newBuilder()
        .setUserId(user)
        .setItemId(itemId)
        .setAction(action)
        .setTimestamp(Instant.ofEpochMilli(timestampMs))
        .build();
  }

  /** A request for one sticker like a catalog item, timestamped now; the rest at its defaults. */
  public static GenerationRequest.Builder request(
      String requestId, String user, String referenceItemId) {
    return GenerationRequest.newBuilder()
        .setRequestId(requestId)
        .setUserId(user)
        .setReferenceItemId(referenceItemId)
        .setTimestamp(Instant.now());
  }
}
