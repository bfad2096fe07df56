package io.pigeonstreams.app;

import io.pigeonstreams.generate.retrieval.NearestHistoryGenerator;
import io.pigeonstreams.generate.retrieval.PaletteOutlierMasker;
import io.pigeonstreams.generate.retrieval.PaletteStructureScorer;
import io.pigeonstreams.generate.retrieval.PaletteTokenizer;

/** The components the engine runs with by default. */
final class Components {

  private Components() {}

  /**
   * Until the Pigeon model lands: the benchmark's nearest-history baseline behind the generator
   * interface, with a palette tokenizer, outlier masker and palette/structure scorer.
   */
  static PigeonEngine.Components retrieval() {
    return new PigeonEngine.Components(
        new PaletteTokenizer(),
        new PaletteOutlierMasker(),
        new NearestHistoryGenerator(),
        new PaletteStructureScorer());
  }
}
