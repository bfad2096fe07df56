package io.pigeonstreams.generate.retrieval;

import io.pigeonstreams.generate.PreferenceScorer;
import io.pigeonstreams.generate.Vectors;
import io.pigeonstreams.generate.VisualTokenizer;
import java.util.List;

/**
 * The production scorer until a learned encoder replaces it (never the benchmark's judges):
 * personalization is the mean cosine similarity of colour-palette histograms to the history images
 * (style), semantic alignment the cosine similarity of mean-centred pixels to the reference
 * (shape).
 */
public final class PaletteStructureScorer implements PreferenceScorer {

  private final VisualTokenizer tokenizer = new PaletteTokenizer();

  @Override
  public Scores score(float[] image, List<float[]> history, float[] reference) {
    double[] palette = PaletteTokenizer.histogram(tokenizer.tokenize(image));
    double personalization = 0;
    for (float[] h : history) {
      personalization +=
          Vectors.cosine(palette, PaletteTokenizer.histogram(tokenizer.tokenize(h)))
              / history.size();
    }
    double alignment = Vectors.cosine(Vectors.centered(image), Vectors.centered(reference));
    return new Scores(history.isEmpty() ? 0 : personalization, alignment);
  }
}
