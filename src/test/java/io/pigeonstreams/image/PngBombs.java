package io.pigeonstreams.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Small PNG files that declare huge images: what a hostile producer sends. */
public final class PngBombs {

  private PngBombs() {}

  /**
   * A 1x1 PNG whose header then claims {@code width} x {@code height} (the CRC fixed so that
   * decoders believe it): a few dozen bytes that would decode to gigabytes.
   */
  public static byte[] declaring(int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB), "png", out);
    byte[] png = out.toByteArray();
    // signature (8), IHDR length (4), "IHDR" (4), width (4) at 16, height (4) at 20, ..., CRC at 29
    ByteBuffer b = ByteBuffer.wrap(png);
    b.putInt(16, width);
    b.putInt(20, height);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    b.putInt(29, (int) crc.getValue());
    return png;
  }
}
