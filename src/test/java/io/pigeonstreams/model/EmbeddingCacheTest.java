package io.pigeonstreams.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingCacheTest {

  private final List<Integer> computedBatches = new ArrayList<>();

  /** A stand-in encoder: the image's first pixel times two, counting what it is asked. */
  private List<float[]> encode(List<float[]> images) {
    computedBatches.add(images.size());
    return images.stream().map(i -> new float[] {2 * i[0]}).toList();
  }

  private static float[] image(float v) {
    float[] pixels = new float[3 * 32 * 32];
    java.util.Arrays.fill(pixels, v);
    return pixels;
  }

  @Test
  void shouldEncodeOnlyImagesItHasNotSeenOnceEach() {
    EmbeddingCache cache = new EmbeddingCache(10);

    List<float[]> first = cache.get(List.of(image(1), image(2), image(1)), this::encode);
    List<float[]> second = cache.get(List.of(image(2), image(3), image(1)), this::encode);

    assertThat(first).extracting(e -> e[0]).containsExactly(2f, 4f, 2f);
    assertThat(second).extracting(e -> e[0]).containsExactly(4f, 6f, 2f);
    // 1 and 2 once (1 twice in the first call), then only 3
    assertThat(computedBatches).containsExactly(2, 1);
  }

  @Test
  void shouldForgetTheLeastRecentlyUsedBeyondItsCapacity() {
    EmbeddingCache cache = new EmbeddingCache(2);
    cache.get(List.of(image(1), image(2)), this::encode);
    cache.get(List.of(image(1)), this::encode); // 1 is now the most recent
    cache.get(List.of(image(3)), this::encode); // 2 goes

    computedBatches.clear();
    cache.get(List.of(image(1), image(2)), this::encode);

    assertThat(cache.size()).isEqualTo(2);
    assertThat(computedBatches).containsExactly(1); // 2 again, not 1
  }
}
