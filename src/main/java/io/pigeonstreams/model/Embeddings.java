package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.training.ParameterStore;

/**
 * Embedding lookups that several threads may run at once on one model. DJL's {@link IdEmbedding}
 * moves its (shared) table into a per-call scope for the lookup and back afterwards; two threads
 * doing so at once can close the table under each other ("Native resource has been released
 * already"). The lookup is cheap, so it is serialized per table.
 */
final class Embeddings {

  private Embeddings() {}

  /** The embeddings of {@code ids} (any shape S): (S, C). */
  static NDArray lookup(IdEmbedding table, ParameterStore ps, NDArray ids, boolean training) {
    synchronized (table) {
      return table.forward(ps, new NDList(ids), training).singletonOrThrow();
    }
  }
}
