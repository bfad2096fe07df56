package io.pigeonstreams.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.train.UNetTrainer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The direct image-to-image baseline: a few training steps, then generation from the weights. */
class UNetGeneratorTest {

  @Test
  void shouldLowerItsLossAndRedrawAReferenceFromItsWeights(@TempDir Path dir) throws Exception {
    // Given a U-Net trained for a few steps on cross-style TRAIN windows
    UNetTrainer.Report report =
        UNetTrainer.train(
            TestData.dataset(), new UNetTrainer.Settings(1, 8, 1e-3f, 3L, 1L, 0.2), dir, false, 6);
    assertThat(report.lastLoss()).isLessThan(report.firstLoss());

    // When the evaluated generator loads the weights and redraws two references
    StickerDataset ds = TestData.dataset();
    List<float[]> history = List.of(ds.image(0, 1), ds.image(1, 1), ds.image(2, 1));
    try (UNetGenerator unet = new UNetGenerator(dir)) {
      List<float[]> out =
          unet.generate(
              List.of(
                  new GenerationInput(history, ds.image(5, 0), "a", 1L),
                  new GenerationInput(history, ds.image(6, 2), "b", 2L)));

      // Then each is an image in [0, 1], and different references give different images
      assertThat(out).hasSize(2);
      for (float[] image : out) {
        assertThat(image).hasSize(StickerDataset.PIXELS);
        for (float v : image) {
          assertThat(v).isBetween(0f, 1f);
        }
      }
      assertThat(out.get(0)).isNotEqualTo(out.get(1));
    }
  }
}
