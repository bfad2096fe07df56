package io.pigeonstreams.eval;

import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.TokenizerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Recon: the reference through the visual tokenizer and back. The ceiling on how faithful any
 * generator that speaks in these tokens can be to the reference, and the floor of its blur.
 */
final class ReconGenerator implements StickerGenerator {

  private final String name;
  private final PigeonTokenizer tokenizer;

  /** The first tokenizer ({@code recon}). */
  ReconGenerator(Path modelDir) throws IOException {
    this("recon", modelDir, PigeonTokenizer.NAME, TokenizerConfig.v1());
  }

  ReconGenerator(String name, Path modelDir, String weights, TokenizerConfig config)
      throws IOException {
    this.name = name;
    this.tokenizer = PigeonTokenizer.load(modelDir, weights, config, null);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<float[]> generate(List<GenerationInput> batch) {
    List<float[]> references = new ArrayList<>(batch.size());
    batch.forEach(in -> references.add(in.reference()));
    return tokenizer.decode(tokenizer.tokenize(references));
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
