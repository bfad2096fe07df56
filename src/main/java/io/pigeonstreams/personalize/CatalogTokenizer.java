package io.pigeonstreams.personalize;

import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.VisualTokenizer;
import io.pigeonstreams.image.StickerImage;
import java.io.IOException;

/**
 * Catalog items and their visual tokens: an arriving item is tokenized once ({@link #entry}); a
 * request reads an item's stored tokens, or fresh ones when another tokenizer (an older model) made
 * them.
 */
public final class CatalogTokenizer {

  private final VisualTokenizer tokenizer;

  public CatalogTokenizer(VisualTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** The largest claim-checked catalog image read (its size is checked again from the header). */
  public static final long MAX_CLAIMED_IMAGE_BYTES = 16L * 1024 * 1024;

  /** A catalog entry for an item whose image is inline (a URI is refused). */
  public static CatalogItem entry(NewItem item, VisualTokenizer tokenizer, int maxSide)
      throws IOException {
    return entry(item, tokenizer, maxSide, ClaimCheck.none());
  }

  /**
   * A catalog entry for an arriving item: its raster at model resolution and its tokens.
   *
   * @param claims where an item with an image URI instead of bytes is read from (only inside its
   *     folder)
   * @throws IOException why the item cannot enter the catalog: the caller dead-letters it
   */
  public static CatalogItem entry(
      NewItem item, VisualTokenizer tokenizer, int maxSide, ClaimCheck claims) throws IOException {
    if (item.itemId() == null || item.itemId().isBlank() || item.itemId().length() > 200) {
      throw new IOException(
          "item id missing or longer than 200 characters ("
              + (item.itemId() == null ? 0 : item.itemId().length())
              + ")");
    }
    for (String text : new String[] {item.caption(), item.category(), item.style()}) {
      if (text != null && text.length() > 1000) {
        throw new IOException(
            "item " + item.itemId() + " has a caption, category or style over 1000 characters");
      }
    }
    byte[] png = item.image();
    if (png == null) {
      if (item.imageUri() == null) {
        throw new IOException("item " + item.itemId() + " has neither an image nor an image URI");
      }
      png = claims.read(item.imageUri(), MAX_CLAIMED_IMAGE_BYTES);
    }
    float[] image = StickerImage.fromPng(png, maxSide);
    return new CatalogItem(
        item.itemId(),
        item.caption(),
        item.category(),
        item.style(),
        StickerImage.toRaw(image),
        tokenizer.tokenize(image),
        tokenizer.name(),
        item.createdAt());
  }

  /** The item's image: 3x32x32 CHW in [0, 1]. */
  static float[] image(CatalogItem item) {
    return StickerImage.fromRaw(item.raster());
  }

  /** The item as the generator sees it in a history. */
  HistoryEntry historyEntry(CatalogItem item) {
    float[] image = image(item);
    return new HistoryEntry(item.itemId(), image, tokens(item, image));
  }

  /** The item's tokens, or fresh ones when another tokenizer (an older model) made them. */
  int[] tokens(CatalogItem item, float[] image) {
    return tokenizer.name().equals(item.tokenizer()) ? item.tokens() : tokenizer.tokenize(image);
  }

  /** Tokens for an image that is not in the catalog (an inline reference). */
  int[] tokenize(float[] image) {
    return tokenizer.tokenize(image);
  }
}
