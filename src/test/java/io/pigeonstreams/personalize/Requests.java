package io.pigeonstreams.personalize;

import io.pigeonstreams.TestData;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.image.StickerImage;
import java.time.Instant;

/** Requests and catalog items for the pipeline's tests, as plain records (no Avro). */
final class Requests {

  private Requests() {}

  /** A request as a client would send it, with the fields a test may change. */
  static final class Builder {
    private final String requestId;
    private final String userId;
    private final String referenceItemId;
    private byte[] referenceImage;
    private Double alphaH;
    private Double alphaR;
    private int candidates;
    private int options = 1;

    private Builder(String requestId, String userId, String referenceItemId) {
      this.requestId = requestId;
      this.userId = userId;
      this.referenceItemId = referenceItemId;
    }

    Builder alphaH(double v) {
      alphaH = v;
      return this;
    }

    Builder alphaR(double v) {
      alphaR = v;
      return this;
    }

    Builder candidates(int k) {
      candidates = k;
      return this;
    }

    Builder options(int n) {
      options = n;
      return this;
    }

    Builder referenceImage(byte[] png) {
      referenceImage = png;
      return this;
    }

    Request build() {
      return new Request(
          requestId,
          userId,
          referenceItemId,
          referenceImage,
          "",
          alphaH,
          alphaR,
          candidates,
          null,
          Instant.ofEpochMilli(1_000),
          options);
    }
  }

  static Builder request(String requestId, String userId, String referenceItemId) {
    return new Builder(requestId, userId, referenceItemId);
  }

  /** Emoji {@code emoji} drawn in style {@code style}, from the committed dataset. */
  static NewItem item(int emoji, int style) {
    StickerDataset ds = TestData.dataset();
    return new NewItem(
        itemId(emoji, style),
        StickerImage.toPng(ds.image(emoji, style)),
        null,
        ds.emoji().get(emoji).name(),
        ds.emoji().get(emoji).category(),
        StickerDataset.STYLES.get(style),
        Instant.ofEpochMilli(0));
  }

  static String itemId(int emoji, int style) {
    return StickerDataset.STYLES.get(style) + "/" + TestData.dataset().emoji().get(emoji).id();
  }
}
