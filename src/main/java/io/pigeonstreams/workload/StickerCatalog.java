package io.pigeonstreams.workload;

import io.pigeonstreams.avro.Item;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.topology.Topics;
import java.util.ArrayList;
import java.util.List;

/**
 * The sticker dataset as a catalog: every emoji in every style, item id {@code style/emojiId}, in
 * the order emoji by emoji, each in the dataset's styles.
 */
public final class StickerCatalog {

  private final StickerDataset dataset;
  private final int emojiCount;

  /** The first {@code emojiCount} emoji of the dataset (at most all of them), in every style. */
  public StickerCatalog(StickerDataset dataset, int emojiCount) {
    this.dataset = dataset;
    this.emojiCount = Math.min(emojiCount, dataset.emojiCount());
  }

  /** The whole dataset. */
  public static StickerCatalog of(StickerDataset dataset) {
    return new StickerCatalog(dataset, dataset.emojiCount());
  }

  public static String itemId(StickerDataset dataset, int emoji, int style) {
    return StickerDataset.STYLES.get(style) + "/" + dataset.emoji().get(emoji).id();
  }

  public String itemId(int emoji, int style) {
    return itemId(dataset, emoji, style);
  }

  public int emojiCount() {
    return emojiCount;
  }

  public int size() {
    return emojiCount * dataset.styleCount();
  }

  /** Every item id, in catalog order. */
  public List<String> itemIds() {
    List<String> ids = new ArrayList<>(size());
    for (int e = 0; e < emojiCount; e++) {
      for (int s = 0; s < dataset.styleCount(); s++) {
        ids.add(itemId(e, s));
      }
    }
    return ids;
  }

  /** The last item sent: once the engine has it, it has them all (one producer, in order). */
  public String lastItemId() {
    return itemId(emojiCount - 1, dataset.styleCount() - 1);
  }

  public Item item(int emoji, int style) {
    return Records.item(
        itemId(emoji, style),
        dataset.image(emoji, style),
        dataset.emoji().get(emoji).name(),
        dataset.emoji().get(emoji).category(),
        StickerDataset.STYLES.get(style));
  }

  /** Sends every item to {@code items} (keyed by item id) and flushes. */
  public void send(TopicProducer producer, Topics topics) {
    for (int e = 0; e < emojiCount; e++) {
      for (int s = 0; s < dataset.styleCount(); s++) {
        producer.send(topics.items, itemId(e, s), item(e, s));
      }
    }
    producer.flush();
  }
}
