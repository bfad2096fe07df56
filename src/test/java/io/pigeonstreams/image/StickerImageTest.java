package io.pigeonstreams.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Decoding with the size checked from the header, before any pixel is decoded. */
class StickerImageTest {

  @Test
  void shouldRefuseAPngBombFromItsHeaderWithTheDeclaredSize() throws Exception {
    byte[] bomb = PngBombs.declaring(60_000, 60_000);
    assertThat(bomb.length).isLessThan(200);
    assertThatThrownBy(() -> StickerImage.fromPng(bomb, 1024))
        .isInstanceOf(IOException.class)
        .hasMessage("image declares 60000x60000, outside the 1..1024 px limit");
  }

  @Test
  void shouldRefuseWhatIsNotAnImageAndDecodeWhatIs() throws Exception {
    assertThatThrownBy(() -> StickerImage.fromPng("not a picture".getBytes(), 1024))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a decodable image");
    byte[] truncated = java.util.Arrays.copyOf(PngBombs.declaring(8, 8), 40);
    assertThatThrownBy(() -> StickerImage.fromPng(truncated, 1024)).isInstanceOf(IOException.class);
    float[] white = new float[StickerImage.PIXELS];
    java.util.Arrays.fill(white, 1f);
    assertThat(StickerImage.fromPng(StickerImage.toPng(white), 1024)).containsExactly(white);
  }
}
