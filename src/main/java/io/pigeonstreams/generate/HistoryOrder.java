package io.pigeonstreams.generate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one order of a user's history in this code: most recent first (the engine's store, every
 * interface of this package, the benchmark's {@code GenerationInput}). Two lists are in time order
 * (oldest first) by nature, and this class is where they meet the rule:
 *
 * <ul>
 *   <li>a simulated sample is a sliding window of interactions in time order, the target last
 *       ({@link #mostRecentFirst} turns its history into a request's history);
 *   <li>the committed Pigeon checkpoints were trained on those windows as they are: {@link
 *       #asTrained} gives the benchmark's model and scorer inputs that order back, so that they see
 *       exactly what they saw before the order was unified. The engine has always handed the model
 *       its stored order (most recent first) and still does: the network reads history images as a
 *       set (positions are embedded within an image only), so the order changes its floating-point
 *       sums, not its meaning.
 * </ul>
 */
public final class HistoryOrder {

  private HistoryOrder() {}

  /** A time-ordered list (oldest first, as a sample's window) as a history, most recent first. */
  public static <T> List<T> mostRecentFirst(List<T> oldestFirst) {
    List<T> out = new ArrayList<>(oldestFirst);
    Collections.reverse(out);
    return out;
  }

  /** A history (most recent first) in the order the committed checkpoints were trained on. */
  public static <T> List<T> asTrained(List<T> mostRecentFirst) {
    List<T> out = new ArrayList<>(mostRecentFirst);
    Collections.reverse(out);
    return out;
  }
}
