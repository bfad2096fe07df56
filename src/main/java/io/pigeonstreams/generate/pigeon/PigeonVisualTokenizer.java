package io.pigeonstreams.generate.pigeon;

import io.pigeonstreams.generate.TokenDecoder;
import io.pigeonstreams.generate.VisualTokenizer;
import io.pigeonstreams.model.PigeonTokenizer;

/** Pigeon's trained VQ tokenizer and decoder behind the engine's interfaces. */
public record PigeonVisualTokenizer(PigeonTokenizer tokenizer)
    implements VisualTokenizer, TokenDecoder {

  @Override
  public String name() {
    return tokenizer.name();
  }

  @Override
  public int[] tokenize(float[] image) {
    return tokenizer.tokenize(image);
  }

  @Override
  public float[] decode(int[] tokens) {
    return tokenizer.decode(tokens);
  }
}
