package io.pigeonstreams.bench;

import java.util.Arrays;
import java.util.Collection;

/** Nearest-rank percentiles of a sample. */
public final class Percentiles {

  private final double[] sorted;

  public Percentiles(Collection<? extends Number> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
  }

  public Percentiles(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    sorted = values.clone();
    Arrays.sort(sorted);
  }

  /** The smallest value with at least {@code p} percent of the sample at or below it. */
  public double at(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  public int count() {
    return sorted.length;
  }

  public double max() {
    return sorted[sorted.length - 1];
  }
}
