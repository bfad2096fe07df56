package io.pigeonstreams.personalize.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * GrowthBook's assignment, as its SDKs compute it (checked against the cross-SDK test cases of its
 * JavaScript SDK, {@code cases.json}): FNV-1a 32-bit over the UTF-16 code units; hash version 1 =
 * {@code fnv1a32(value + seed) % 1000 / 1000}, version 2 = {@code fnv1a32(str(fnv1a32(seed +
 * value))) % 10000 / 10000}; bucket ranges from the variants' weights scaled by the coverage; a
 * user whose hash falls in no range is outside the experiment. Deterministic and sticky without
 * state: every instance and every restart assigns a user the same variant.
 *
 * <p>Written here rather than taken from GrowthBook's Java SDK: the SDK brings an HTTP client and a
 * feature-flag evaluator for the ~40 lines the engine needs.
 */
public final class Assignment {

  private static final int FNV_OFFSET = 0x811c9dc5;
  private static final int FNV_PRIME = 0x01000193;

  private Assignment() {}

  /** FNV-1a 32-bit over the string's UTF-16 code units, as an unsigned value. */
  static long fnv1a32(String s) {
    int h = FNV_OFFSET;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= FNV_PRIME;
    }
    return h & 0xffffffffL;
  }

  /**
   * The user's position in [0, 1) for an experiment seeded {@code seed}.
   *
   * @return null for a hash version other than 1 or 2
   */
  public static Double hash(String seed, String value, int version) {
    if (version == 2) {
      return (fnv1a32(Long.toString(fnv1a32(seed + value))) % 10000) / 10000.0;
    }
    if (version == 1) {
      return (fnv1a32(value + seed) % 1000) / 1000.0;
    }
    return null;
  }

  /**
   * Each variant's [start, end) of the unit interval: consecutive slices by weight, each cut to
   * {@code coverage} of its width. Coverage is clamped to [0, 1]; weights missing, of the wrong
   * count, or not summing to 1 (within 0.01) are replaced by equal ones.
   */
  public static List<double[]> bucketRanges(int variants, double coverage, double[] weights) {
    double c = Math.max(0, Math.min(1, coverage));
    double[] equal = new double[Math.max(0, variants)];
    Arrays.fill(equal, variants <= 0 ? 0 : 1.0 / variants);
    double[] w = weights == null || weights.length != variants ? equal : weights;
    double total = Arrays.stream(w).sum();
    if (total < 0.99 || total > 1.01) {
      w = equal;
    }
    List<double[]> ranges = new ArrayList<>(variants);
    double cumulative = 0;
    for (double x : w) {
      double start = cumulative;
      cumulative += x;
      ranges.add(new double[] {start, start + c * x});
    }
    return ranges;
  }

  /** The variant whose range holds {@code n}, or -1 (outside the experiment's coverage). */
  public static int chooseVariation(double n, List<double[]> ranges) {
    for (int i = 0; i < ranges.size(); i++) {
      if (n >= ranges.get(i)[0] && n < ranges.get(i)[1]) {
        return i;
      }
    }
    return -1;
  }
}
