package io.pigeonstreams.eval;

import io.pigeonstreams.generate.retrieval.NearestHistory;
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

  /** NearestHistory: the history image closest to the reference ({@link NearestHistory}). */
  public static StickerGenerator nearestHistory() {
    return simple("nearest-history", in -> NearestHistory.nearest(in.history(), in.reference()));
  }

  /**
   * RandomHistory: a history image chosen at random (seeded per sample). The draw counts from the
   * oldest item, as it did when histories were passed oldest first, so a seed picks the same image.
   */
  public static StickerGenerator randomHistory() {
    return simple(
        "random-history",
        in -> {
          int fromOldest = new SplittableRandom(in.seed()).nextInt(in.history().size());
          return in.history().get(in.history().size() - 1 - fromOldest);
        });
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
