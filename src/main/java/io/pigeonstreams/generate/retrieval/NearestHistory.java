package io.pigeonstreams.generate.retrieval;

import io.pigeonstreams.generate.Vectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The NearestHistory rule, shared by the benchmark's baseline and the engine's retrieval generator:
 * history images ranked by squared pixel distance to the reference, closest first (a tie keeps the
 * history's order) — what a filtering recommender would show. Pixels, not judge features:
 * generators never see the judges.
 */
public final class NearestHistory {

  private NearestHistory() {}

  /** {@code history} ranked closest first; {@code image} gives each item's 3x32x32 image. */
  public static <T> List<T> rank(List<T> history, Function<T, float[]> image, float[] reference) {
    List<T> ranked = new ArrayList<>(history);
    ranked.sort(
        Comparator.comparingDouble((T h) -> Vectors.squaredDistance(image.apply(h), reference)));
    return ranked;
  }

  /** The history image closest to the reference ({@code history} must not be empty). */
  public static float[] nearest(List<float[]> history, float[] reference) {
    return rank(history, h -> h, reference).get(0);
  }
}
