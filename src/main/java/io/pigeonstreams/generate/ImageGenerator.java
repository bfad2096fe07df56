package io.pigeonstreams.generate;

import java.util.List;

/**
 * The generator behind the engine. Implementations own their model and are closed with the engine;
 * the topology never sees a tensor.
 */
public interface ImageGenerator extends AutoCloseable {

  /** Goes into every output record, so an A/B test can tell models apart. */
  String modelVersion();

  /** One candidate per requested alpha_r, in the same order. */
  List<Candidate> generate(GenerationContext context);

  @Override
  default void close() {}
}
