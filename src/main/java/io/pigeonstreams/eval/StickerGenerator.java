package io.pigeonstreams.eval;

import java.util.List;

/** A generator under evaluation: one image per input, in order. */
public interface StickerGenerator extends AutoCloseable {

  String name();

  List<float[]> generate(List<GenerationInput> batch);

  @Override
  default void close() {}
}
