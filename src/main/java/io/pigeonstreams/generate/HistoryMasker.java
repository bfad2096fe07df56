package io.pigeonstreams.generate;

import java.util.List;

/**
 * Masks the noisy part of a user's history before generation (Pigeon's mask generator, at the ratio
 * alpha_h).
 */
public interface HistoryMasker {

  /**
   * @param history most recent first
   * @param alphaH fraction to mask, in [0, 1]
   * @param reference the request's reference image (the mask may depend on it)
   * @return which history entries are kept, in the same order
   */
  List<HistoryEntry> keep(List<HistoryEntry> history, double alphaH, float[] reference);
}
