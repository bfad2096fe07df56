/**
 * Generators without a model: nearest-history retrieval, a palette tokenizer, an outlier masker and
 * a palette/structure scorer. For machines without weights and for tests of the streaming parts.
 * Uses only {@code generate}.
 */
package io.pigeonstreams.generate.retrieval;
