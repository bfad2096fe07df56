package io.pigeonstreams.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Puts one emoji raster into a square frame the same way for every style: crop to the visible
 * pixels, scale so the larger side fills {@link #FILL} of the frame, centre it, composite it on a
 * plain white background, then area-average down to the output sizes.
 */
public final class StickerFramer {

  /** Working canvas; output sizes must divide it. */
  public static final int CANVAS = 384;

  /** Fraction of the frame the emoji's larger side fills (a 2 px margin at 32 px). */
  public static final double FILL = 28.0 / 32.0;

  /** Alpha at or below this is treated as empty when cropping (drops faint anti-alias halos). */
  static final int ALPHA_THRESHOLD = 16;

  private StickerFramer() {}

  /**
   * Frames {@code source} (ARGB, any size) and returns one RGB image per requested size.
   *
   * @throws IllegalArgumentException if the source has no visible pixel
   */
  public static BufferedImage[] frame(BufferedImage source, int... sizes) {
    int[] box = visibleBox(source);
    if (box == null) {
      throw new IllegalArgumentException("image has no visible pixels");
    }
    int bw = box[2] - box[0];
    int bh = box[3] - box[1];
    double scale = CANVAS * FILL / Math.max(bw, bh);
    double dw = bw * scale;
    double dh = bh * scale;
    double dx = (CANVAS - dw) / 2.0;
    double dy = (CANVAS - dh) / 2.0;

    BufferedImage canvas = new BufferedImage(CANVAS, CANVAS, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    try {
      g.setColor(java.awt.Color.WHITE);
      g.fillRect(0, 0, CANVAS, CANVAS);
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(
          source,
          (int) Math.round(dx),
          (int) Math.round(dy),
          (int) Math.round(dx + dw),
          (int) Math.round(dy + dh),
          box[0],
          box[1],
          box[2],
          box[3],
          null);
    } finally {
      g.dispose();
    }
    BufferedImage[] out = new BufferedImage[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      out[i] = areaDownsample(canvas, sizes[i]);
    }
    return out;
  }

  /** Bounding box {x0, y0, x1, y1} (exclusive ends) of pixels with alpha above the threshold. */
  static int[] visibleBox(BufferedImage image) {
    int x0 = Integer.MAX_VALUE;
    int y0 = Integer.MAX_VALUE;
    int x1 = -1;
    int y1 = -1;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int alpha = image.getRGB(x, y) >>> 24;
        if (alpha > ALPHA_THRESHOLD) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
      }
    }
    return x1 < 0 ? null : new int[] {x0, y0, x1 + 1, y1 + 1};
  }

  /** Box-filter downsampling of a square RGB image by an integer factor. */
  static BufferedImage areaDownsample(BufferedImage src, int size) {
    int factor = src.getWidth() / size;
    if (factor * size != src.getWidth()) {
      throw new IllegalArgumentException(size + " does not divide " + src.getWidth());
    }
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    int n = factor * factor;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int r = 0;
        int gr = 0;
        int b = 0;
        for (int yy = 0; yy < factor; yy++) {
          for (int xx = 0; xx < factor; xx++) {
            int rgb = src.getRGB(x * factor + xx, y * factor + yy);
            r += (rgb >> 16) & 0xff;
            gr += (rgb >> 8) & 0xff;
            b += rgb & 0xff;
          }
        }
        int rr = (r + n / 2) / n;
        int gg = (gr + n / 2) / n;
        int bb = (b + n / 2) / n;
        out.setRGB(x, y, (rr << 16) | (gg << 8) | bb);
      }
    }
    return out;
  }
}
