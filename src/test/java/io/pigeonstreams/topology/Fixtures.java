package io.pigeonstreams.topology;

import io.pigeonstreams.TestData;
import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.image.StickerImage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

/** Real catalog items (emoji from the committed dataset) and requests for topology tests. */
public final class Fixtures {

  private Fixtures() {}

  public static String itemId(int emoji, int style) {
    return StickerDataset.STYLES.get(style) + "/" + TestData.dataset().emoji().get(emoji).id();
  }

  public static Item item(int emoji, int style) {
    StickerDataset ds = TestData.dataset();
    return Item.newBuilder()
        .setItemId(itemId(emoji, style))
        .setImage(ByteBuffer.wrap(StickerImage.toPng(ds.image(emoji, style))))
        .setCaption(ds.emoji().get(emoji).name())
        .setCategory(ds.emoji().get(emoji).category())
        .setStyle(StickerDataset.STYLES.get(style))
        .setCreatedAt(Instant.ofEpochMilli(0))
        .build();
  }

  public static Interaction interaction(String user, String itemId, Action action, long ts) {
    return Interaction.newBuilder()
        .setUserId(user)
        .setItemId(itemId)
        .setAction(action)
        .setTimestamp(Instant.ofEpochMilli(ts))
        .build();
  }

  public static GenerationRequest.Builder request(
      String requestId, String user, String referenceItemId) {
    return GenerationRequest.newBuilder()
        .setRequestId(requestId)
        .setUserId(user)
        .setReferenceItemId(referenceItemId)
        .setTimestamp(Instant.ofEpochMilli(1_000));
  }

  public static EngineComponents components() {
    return EngineComponents.retrieval();
  }

  /** Each request answered as it arrives (micro-batches of one): see MicroBatchingTest. */
  public static EngineConfig config() {
    return config(1, 0);
  }

  public static EngineConfig config(int batchRequests, int batchDelayMs) {
    return EngineConfig.of(
        Map.of(
            "application.id",
            "pigeon-test",
            "bootstrap.servers",
            "localhost:9",
            "state.dir",
            System.getProperty("java.io.tmpdir") + "/pigeon-ttd",
            "pigeon.batch.max.requests",
            Integer.toString(batchRequests),
            "pigeon.batch.max.delay.ms",
            Integer.toString(batchDelayMs)));
  }
}
