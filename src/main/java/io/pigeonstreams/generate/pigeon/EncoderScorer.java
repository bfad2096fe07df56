package io.pigeonstreams.generate.pigeon;

import io.pigeonstreams.generate.PreferenceScorer;
import io.pigeonstreams.generate.Vectors;
import io.pigeonstreams.model.EmbeddingCache;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.StyleEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Pigeon's production scorer and its stage-2 reward (never the benchmark judges; the paper uses
 * CLIP):
 *
 * <ul>
 *   <li>personalization: mean cosine similarity to the history images in the {@link StyleEncoder}'s
 *       embedding, learned from which images users interact with together;
 *   <li>semantic alignment: cosine similarity to the reference of the visual tokenizer encoder's
 *       mean-centred 4x4 feature grid (layout and shape).
 * </ul>
 *
 * Built for a model by {@link #forModel} (the engine, the benchmark and stage-2 training all build
 * it there); that one owns the taste encoder it loads, an instance built with the constructor owns
 * neither model.
 */
public final class EncoderScorer implements PreferenceScorer, AutoCloseable {

  /** History and reference images remembered per encoder (about 0.5 KiB each). */
  static final int CACHE_ENTRIES = 20_000;

  private final PigeonTokenizer tokenizer;
  private final StyleEncoder taste;
  private final EmbeddingCache historyEmbeddings = new EmbeddingCache(CACHE_ENTRIES);
  private final EmbeddingCache referenceFeatures = new EmbeddingCache(CACHE_ENTRIES);

  private final boolean ownsTaste;

  /** Over these encoders, which it does not own. */
  public EncoderScorer(PigeonTokenizer tokenizer, StyleEncoder taste) {
    this(tokenizer, taste, false);
  }

  private EncoderScorer(PigeonTokenizer tokenizer, StyleEncoder taste, boolean ownsTaste) {
    this.tokenizer = tokenizer;
    this.taste = taste;
    this.ownsTaste = ownsTaste;
  }

  /**
   * The production scorer of {@code model}: its visual tokenizer and the taste encoder it loaded
   * beside its weights (the same one its history style features come from). The model owns both.
   */
  public static EncoderScorer forModel(PigeonModel model) {
    return new EncoderScorer(model.tokenizer(), model.taste(), false);
  }

  @Override
  public void close() {
    if (ownsTaste) {
      taste.close();
    }
  }

  @Override
  public Scores score(float[] image, List<float[]> history, float[] reference) {
    return score(List.of(image), List.of(history), List.of(reference)).get(0);
  }

  @Override
  public List<Scores> score(List<float[]> images, List<float[]> history, float[] reference) {
    List<List<float[]>> histories = new ArrayList<>();
    List<float[]> references = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      histories.add(history); // one list: its images are encoded once
      references.add(reference);
    }
    return score(images, histories, references);
  }

  /**
   * Scores many images in one pass of each encoder.
   *
   * @param histories each image's history (may be empty: personalization 0)
   * @param references each image's reference
   */
  @Override
  public List<Scores> score(
      List<float[]> images, List<List<float[]>> histories, List<float[]> references) {
    double[] personalization = personalization(images, histories);
    List<float[]> features = tokenizer.features(images);
    // references come back request after request (catalog items): their features are remembered
    List<float[]> referenceFeature = referenceFeatures.get(references, tokenizer::features);
    int n = images.size();
    List<Scores> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double alignment =
          Vectors.cosine(
              Vectors.centered(features.get(i)), Vectors.centered(referenceFeature.get(i)));
      out.add(new Scores(personalization[i], alignment));
    }
    return out;
  }

  /**
   * Personalization alone (the stage-2 reward) for each image against its history. Images that
   * share one history list (a prompt's candidates) share its encoder pass.
   */
  public double[] personalization(List<float[]> images, List<List<float[]>> histories) {
    List<float[]> historyImages = new ArrayList<>();
    java.util.Map<List<float[]>, Integer> firstIndex = new java.util.IdentityHashMap<>();
    for (List<float[]> h : histories) {
      if (!firstIndex.containsKey(h)) {
        firstIndex.put(h, historyImages.size());
        historyImages.addAll(h);
      }
    }
    List<float[]> e = taste.embed(images);
    // a user's history comes back request after request: its embeddings are remembered
    List<float[]> eh = historyEmbeddings.get(historyImages, taste::embed);
    double[] out = new double[images.size()];
    for (int i = 0; i < out.length; i++) {
      List<float[]> h = histories.get(i);
      int from = firstIndex.get(h);
      for (int j = 0; j < h.size(); j++) {
        out[i] += Vectors.dot(e.get(i), eh.get(from + j)) / h.size();
      }
    }
    return out;
  }
}
