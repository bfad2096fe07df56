package io.pigeonstreams.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselinesTest {

  private static float[] flat(float v) {
    float[] img = new float[3 * 32 * 32];
    Arrays.fill(img, v);
    return img;
  }

  private final GenerationInput input =
      new GenerationInput(List.of(flat(0.0f), flat(0.6f), flat(1.0f)), flat(0.5f), "face", 3);

  @Test
  void shouldReturnTheReferenceForGrd() {
    assertThat(Baselines.grd().generate(List.of(input)).get(0)).isSameAs(input.reference());
  }

  @Test
  void shouldReturnTheHistoryImageClosestToTheReference() {
    assertThat(Baselines.nearestHistory().generate(List.of(input)).get(0))
        .isSameAs(input.history().get(1));
  }

  @Test
  void shouldReturnAHistoryImageChosenBySeed() {
    float[] a = Baselines.randomHistory().generate(List.of(input)).get(0);
    float[] b = Baselines.randomHistory().generate(List.of(input)).get(0);
    assertThat(a).isSameAs(b);
    assertThat(input.history()).contains(a);
  }

  @Test
  void shouldNameTheKnownGeneratorsWhenAskedForAnUnknownOne() {
    assertThatThrownBy(() -> Generators.create("dalle"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown generator 'dalle'")
        .hasMessageContaining(
            "truth, grd, nearest-history, random-history, recon, recon-v2, unet, pigeon, pigeon-sft,"
                + " pigeon-nomask");
  }
}
