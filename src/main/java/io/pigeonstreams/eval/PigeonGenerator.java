package io.pigeonstreams.eval;

import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.Candidates;
import io.pigeonstreams.generate.HistoryOrder;
import io.pigeonstreams.generate.PreferenceScorer;
import io.pigeonstreams.generate.pigeon.EncoderScorer;
import io.pigeonstreams.generate.pigeon.PigeonCandidates;
import io.pigeonstreams.generate.pigeon.PigeonComponents;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.TokenizerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A trained Pigeon checkpoint as a benchmark generator, run as the paper runs it at test time
 * (§3.1.4): for each request one candidate per alpha_r in {0.0, 0.1, ..., 1.0}, the one published
 * is the best under the production scorer ({@link EncoderScorer}, never the judges) by the engine's
 * default rule ({@link Candidates.Selection#BALANCED}; {@code --selection sum} for the paper's 0.5
 * personalization + 0.5 alignment). A fixed alpha_r ({@code --alpha-r}) skips the sweep.
 */
final class PigeonGenerator implements StickerGenerator {

  private final String name;

  /** The checkpoint and its production scorer, loaded as the engine loads them. */
  private final PigeonComponents pigeon;

  private final double alphaH;
  private final List<Double> alphaR;
  private final Candidates.Selection selection;

  /**
   * @param defaultAlphaH the checkpoint's own alpha_h (0.2; 0 for the no-mask ablation)
   * @param ratios alpha_h, alpha_r and decoding to generate with; a generator run at other than the
   *     defaults is named with them, e.g. {@code pigeon[ah=0.40 ar=0.00]} or {@code pigeon[ah=0.20
   *     ar=best steps=4 t=0.00]}, so that its row stays apart
   */
  PigeonGenerator(
      String name, Path dir, String checkpoint, double defaultAlphaH, Generators.Inference ratios)
      throws IOException {
    this.alphaH = ratios.alphaH() == null ? defaultAlphaH : ratios.alphaH();
    this.alphaR = ratios.alphaR() == null ? Candidates.PAPER_GRID : List.of(ratios.alphaR());
    this.selection =
        ratios.selection() == null ? Candidates.Selection.BALANCED : ratios.selection();
    PigeonConfig defaults = PigeonConfig.defaults();
    PigeonConfig config =
        defaults.withDecoding(
            ratios.decodeSteps() == null ? defaults.decodeSteps() : ratios.decodeSteps(),
            ratios.temperature() == null ? defaults.temperature() : ratios.temperature());
    String decoding =
        ratios.decodingSet()
            ? String.format(
                    Locale.ROOT, " steps=%d t=%.2f", config.decodeSteps(), config.temperature())
                + (ratios.selection() == null
                    ? ""
                    : " sel=" + selection.name().toLowerCase(Locale.ROOT))
            : "";
    this.name =
        ratios.alphaH() == null && ratios.alphaR() == null && !ratios.decodingSet()
            ? name
            : String.format(
                Locale.ROOT,
                "%s[ah=%.2f ar=%s%s]",
                name,
                alphaH,
                ratios.alphaR() == null
                    ? "best"
                    : String.format(Locale.ROOT, "%.2f", ratios.alphaR()),
                decoding);
    this.pigeon =
        PigeonComponents.load(dir, checkpoint, config.withAlphaH(alphaH), TokenizerConfig.v2(), 5);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<float[]> generate(List<GenerationInput> batch) {
    List<List<float[]>> histories = new ArrayList<>();
    List<float[]> references = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    long[] seeds = new long[batch.size()];
    for (GenerationInput in : batch) {
      seeds[captions.size()] = in.seed();
      // the model and the scorer see the history as the checkpoint was trained on it
      histories.add(HistoryOrder.asTrained(in.history()));
      references.add(in.reference());
      captions.add(in.caption());
    }
    List<List<Candidate>> candidates =
        PigeonCandidates.of(pigeon.model(), histories, references, captions, alphaH, alphaR, seeds);
    if (alphaR.size() == 1) {
      return candidates.stream().map(c -> c.get(0).image()).toList();
    }
    List<float[]> images = new ArrayList<>();
    List<List<float[]>> imageHistories = new ArrayList<>();
    List<float[]> imageReferences = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      for (Candidate c : candidates.get(i)) {
        images.add(c.image());
        imageHistories.add(histories.get(i));
        imageReferences.add(references.get(i));
      }
    }
    List<PreferenceScorer.Scores> scores =
        pigeon.scorer().score(images, imageHistories, imageReferences);
    List<float[]> out = new ArrayList<>();
    int k = alphaR.size();
    for (int i = 0; i < batch.size(); i++) {
      int best = Candidates.best(selection.values(scores.subList(i * k, (i + 1) * k)));
      out.add(candidates.get(i).get(best).image());
    }
    return out;
  }

  @Override
  public void close() {
    pigeon.close();
  }
}
