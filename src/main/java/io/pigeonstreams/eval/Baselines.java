package io.pigeonstreams.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The generators that need no model: the floor every learned generator must beat. */
public final class Baselines {

  private Baselines() {}

  /** Grd: returns the reference unchanged (perfect semantics, no personalization). */
  public static StickerGenerator grd() {
    return simple("grd", in -> in.reference());
  }

  /**
   * NearestHistory: the history image closest to the reference in pixel space, what a filtering
   * recommender would show. Pixels, not judge features: generators never see the judges.
   */
  public static StickerGenerator nearestHistory() {
    return simple(
        "nearest-history",
        in -> {
          float[] best = in.history().get(0);
          double bestDistance = Double.MAX_VALUE;
          for (float[] h : in.history()) {
            double d = squaredDistance(h, in.reference());
            if (d < bestDistance) {
              bestDistance = d;
              best = h;
            }
          }
          return best;
        });
  }

  /** RandomHistory: a history image chosen at random (seeded per sample). */
  public static StickerGenerator randomHistory() {
    return simple(
        "random-history",
        in -> in.history().get(new SplittableRandom(in.seed()).nextInt(in.history().size())));
  }

  static double squaredDistance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }

  private interface PerSample {
    float[] apply(GenerationInput input);
  }

  private static StickerGenerator simple(String name, PerSample fn) {
    return new StickerGenerator() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<float[]> generate(List<GenerationInput> batch) {
        List<float[]> out = new ArrayList<>(batch.size());
        for (GenerationInput in : batch) {
          out.add(fn.apply(in));
        }
        return out;
      }
    };
  }
}
