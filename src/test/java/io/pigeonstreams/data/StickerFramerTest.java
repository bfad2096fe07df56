package io.pigeonstreams.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class StickerFramerTest {

  private static BufferedImage squareOn(int canvas, int x, int y, int side) {
    BufferedImage img = new BufferedImage(canvas, canvas, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(x, y, side, side);
    g.dispose();
    return img;
  }

  @Test
  void shouldFrameSmallAndLargeSourcesTheSameWay() {
    // Given the same shape drawn small and off-centre, and large and centred
    BufferedImage small = squareOn(64, 3, 40, 16);
    BufferedImage large = squareOn(512, 56, 56, 400);

    // When both are framed at 32 px
    BufferedImage a = StickerFramer.frame(small, 32)[0];
    BufferedImage b = StickerFramer.frame(large, 32)[0];

    // Then they fill the frame identically: a 28 px red square centred with a 2 px white margin
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        assertThat(a.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(b.getRGB(x, y));
      }
    }
    assertThat(a.getRGB(0, 0) & 0xffffff).isEqualTo(0xffffff);
    assertThat(a.getRGB(16, 16) & 0xffffff).isEqualTo(0xff0000);
    assertThat(a.getRGB(1, 16) & 0xffffff).isEqualTo(0xffffff);
    assertThat(a.getRGB(2, 16) & 0xffffff).isEqualTo(0xff0000);
  }

  @Test
  void shouldRejectAnEmptyImage() {
    // Given a fully transparent image, When framed, Then it is refused with a reason
    assertThatThrownBy(
            () -> StickerFramer.frame(new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB), 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no visible pixels");
  }
}
