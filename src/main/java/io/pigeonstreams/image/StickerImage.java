package io.pigeonstreams.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Images at the model's resolution: 3x32x32 floats (CHW, values in [0, 1]), and the PNG and raw
 * byte forms they travel in. The engine works at this one resolution; larger inputs are
 * area-averaged down.
 */
public final class StickerImage {

  public static final int SIZE = 32;
  public static final int PIXELS = 3 * SIZE * SIZE;

  private StickerImage() {}

  /**
   * Decodes PNG (or any ImageIO format) bytes and resizes to 32x32 on white. The size is checked
   * from the header first: an image declaring more than {@code maxSide} pixels on a side is refused
   * before anything is decoded (a small file can declare a huge image).
   */
  public static float[] fromPng(byte[] png, int maxSide) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new IOException("not a decodable image (" + png.length + " bytes)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w > maxSide || h > maxSide || w < 1 || h < 1) {
          throw new IOException(
              "image declares " + w + "x" + h + ", outside the 1.." + maxSide + " px limit");
        }
        BufferedImage image = reader.read(0);
        return resize(image);
      } catch (RuntimeException e) { // ImageIO's readers throw these on malformed input
        throw new IOException("not a decodable image (" + png.length + " bytes): " + e, e);
      } finally {
        reader.dispose();
      }
    }
  }

  /** Area-average resize onto a white 32x32 square (transparent pixels become white). */
  static float[] resize(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[] sum = new float[PIXELS];
    float[] weight = new float[SIZE * SIZE];
    for (int y = 0; y < h; y++) {
      int ty = Math.min(SIZE - 1, y * SIZE / h);
      for (int x = 0; x < w; x++) {
        int tx = Math.min(SIZE - 1, x * SIZE / w);
        int argb = image.getRGB(x, y);
        float a = ((argb >>> 24) & 0xff) / 255f;
        int p = ty * SIZE + tx;
        sum[p] += a * ((argb >> 16) & 0xff) / 255f + (1 - a);
        sum[SIZE * SIZE + p] += a * ((argb >> 8) & 0xff) / 255f + (1 - a);
        sum[2 * SIZE * SIZE + p] += a * (argb & 0xff) / 255f + (1 - a);
        weight[p] += 1;
      }
    }
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < SIZE * SIZE; p++) {
        sum[c * SIZE * SIZE + p] = weight[p] == 0 ? 1f : sum[c * SIZE * SIZE + p] / weight[p];
      }
    }
    return sum;
  }

  public static byte[] toPng(float[] chw) {
    BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    int plane = SIZE * SIZE;
    for (int p = 0; p < plane; p++) {
      int r = toByte(chw[p]);
      int g = toByte(chw[plane + p]);
      int b = toByte(chw[2 * plane + p]);
      image.setRGB(p % SIZE, p / SIZE, (r << 16) | (g << 8) | b);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** 3072 bytes, one per channel value: the compact raster kept in the catalog. */
  public static byte[] toRaw(float[] chw) {
    byte[] raw = new byte[PIXELS];
    for (int i = 0; i < PIXELS; i++) {
      raw[i] = (byte) toByte(chw[i]);
    }
    return raw;
  }

  public static float[] fromRaw(byte[] raw) {
    if (raw.length != PIXELS) {
      throw new IllegalArgumentException("raw raster has " + raw.length + " bytes, not " + PIXELS);
    }
    float[] chw = new float[PIXELS];
    for (int i = 0; i < PIXELS; i++) {
      chw[i] = (raw[i] & 0xff) / 255f;
    }
    return chw;
  }

  /** The remaining bytes of an Avro bytes field, without moving its position. */
  public static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static int toByte(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 255f)));
  }
}
