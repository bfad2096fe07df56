package io.pigeonstreams.cli.demo;

import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.eval.Report;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.workload.SimulatedTraffic.SentRequest;
import io.pigeonstreams.workload.StickerCatalog;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** The demo's contact sheet: what the engine generated beside what the user would have wanted. */
final class ContactSheet {

  private ContactSheet() {}

  /** Rows of: the user's history at request time | reference | generated | ground truth. */
  static void write(
      Path file,
      StickerDataset ds,
      List<GeneratedImage> answers,
      Map<String, SentRequest> sent,
      int rows)
      throws IOException {
    Map<String, float[]> images = new HashMap<>();
    for (int e = 0; e < ds.emojiCount(); e++) {
      for (int s = 0; s < ds.styleCount(); s++) {
        images.put(StickerCatalog.itemId(ds, e, s), ds.image(e, s));
      }
    }
    List<GeneratedImage> shown =
        answers.stream()
            .filter(a -> a.getStatus() == Status.OK && sent.containsKey(a.getRequestId()))
            .limit(rows)
            .toList();
    int tile = 64;
    int gap = 6;
    int columns = 5 + 3;
    int label = 18;
    BufferedImage sheet =
        new BufferedImage(
            columns * (tile + gap) + gap + 10,
            label + Math.max(1, shown.size()) * (tile + gap) + gap,
            BufferedImage.TYPE_INT_RGB);
    Graphics2D g = Report.sheetGraphics(sheet);
    try {
      String[] headers = {
        "history (most recent first)", "", "", "", "", "reference", "generated", "truth"
      };
      for (int c = 0; c < headers.length; c++) {
        g.drawString(headers[c], gap + c * (tile + gap) + (c >= 5 ? 10 : 0), label - 5);
      }
      for (int r = 0; r < shown.size(); r++) {
        GeneratedImage a = shown.get(r);
        SentRequest s = sent.get(a.getRequestId());
        int y = label + gap + r * (tile + gap);
        List<String> history = a.getHistoryItemIds();
        for (int c = 0; c < Math.min(5, history.size()); c++) {
          float[] img = images.get(history.get(c));
          if (img != null) {
            boolean masked = a.getMaskedHistoryItemIds().contains(history.get(c));
            draw(g, img, gap + c * (tile + gap), y, tile, masked);
          }
        }
        int x = gap + 5 * (tile + gap) + 10;
        draw(g, ds.image(s.emoji(), s.referenceStyle()), x, y, tile, false);
        draw(
            g,
            StickerImage.fromPng(StickerImage.bytes(a.getImage()), 1024),
            x + tile + gap,
            y,
            tile,
            false);
        draw(
            g,
            ds.image(s.emoji(), s.user().preferredStyle()),
            x + 2 * (tile + gap),
            y,
            tile,
            false);
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(sheet, "png", file.toFile());
  }

  /** A masked history item is drawn faded with a red frame. */
  private static void draw(Graphics2D g, float[] chw, int x, int y, int size, boolean masked) {
    g.drawImage(StickerDataset.fromChw(chw, StickerImage.SIZE), x, y, size, size, null);
    if (masked) {
      g.setColor(new Color(255, 255, 255, 150));
      g.fillRect(x, y, size, size);
      g.setColor(new Color(0xCC3333));
      g.drawRect(x, y, size - 1, size - 1);
      g.setColor(Color.DARK_GRAY);
    }
  }
}
