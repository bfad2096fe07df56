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
   * @return the entries the generator is given, in the same order, and which of their tokens are
   *     masked
   */
  MaskedHistory keep(List<HistoryEntry> history, double alphaH, float[] reference);

  /** One request's history to mask, with its reference image and that image's visual tokens. */
  record Task(
      List<HistoryEntry> history, double alphaH, float[] reference, int[] referenceTokens) {}

  /**
   * Masks the histories of a micro-batch of requests; a masker with a model overrides this to run
   * it once for the whole batch.
   *
   * @return per task, what {@link #keep} returns for it
   */
  default List<MaskedHistory> keepAll(List<Task> tasks) {
    return tasks.stream().map(t -> keep(t.history(), t.alphaH(), t.reference())).toList();
  }
}
