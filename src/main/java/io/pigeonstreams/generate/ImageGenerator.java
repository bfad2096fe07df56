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

  /**
   * The candidates of a micro-batch of requests; a generator with a model overrides this to run it
   * on the whole batch at once.
   *
   * @return per context, what {@link #generate} returns for it
   */
  default List<List<Candidate>> generateAll(List<GenerationContext> contexts) {
    return contexts.stream().map(this::generate).toList();
  }

  /**
   * Runs the model once at each batch size up to {@code maxRows} candidate images (powers of two
   * and {@code maxRows}) so that the first real batches do not pay for allocation.
   *
   * @return ms per candidate image at {@code maxRows}, as measured after warm-up (0: no model)
   */
  default double warmUp(int maxRows) {
    return 0;
  }

  /**
   * The warm-up loop of a generator with a model: at each batch size of 1, 2, 4, ... up to {@code
   * rows}, runs {@code warm} (allocation), then {@code timed}, which is timed.
   *
   * @return ms per row of the timed run at {@code rows}
   */
  static double timeBatches(
      int rows, java.util.function.IntConsumer warm, java.util.function.IntConsumer timed) {
    for (int b = 1; ; b = Math.min(rows, b * 2)) {
      warm.accept(b);
      long start = System.nanoTime();
      timed.accept(b);
      double msPerRow = (System.nanoTime() - start) / 1e6 / b;
      if (b == rows) {
        return msPerRow;
      }
    }
  }

  @Override
  default void close() {}
}
