package io.pigeonstreams.generate.unet;

import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.generate.MaskedHistory;
import io.pigeonstreams.generate.pigeon.PigeonComponents;
import io.pigeonstreams.model.UNetModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The conditional U-Net behind the engine: each request's reference redrawn in the style pooled
 * from its masked history, each history image weighted by the fraction of its tokens the mask
 * generator kept. The U-Net has no reference mask, so it answers every alpha_r of a request with
 * the same redrawing: the scorer has nothing to choose between, and no preference pair is published
 * for it. Candidates carry the redrawing's visual tokens under Pigeon's tokenizer, so answers and
 * the catalog speak the same tokens.
 *
 * <p>Owns both models: closing it closes the U-Net and the Pigeon components whose tokenizer, mask
 * generator and scorer the engine uses with it.
 */
public final class UNetImageGenerator implements ImageGenerator {

  private final UNetModel unet;
  private final PigeonComponents pigeon;

  public UNetImageGenerator(UNetModel unet, PigeonComponents pigeon) {
    this.unet = unet;
    this.pigeon = pigeon;
  }

  /** The U-Net's weights; the masker and scorer around it are Pigeon's. */
  @Override
  public String modelVersion() {
    return unet.version();
  }

  @Override
  public List<Candidate> generate(GenerationContext context) {
    return generateAll(List.of(context)).get(0);
  }

  /** One U-Net pass and one tokenizer pass for the whole micro-batch. */
  @Override
  public List<List<Candidate>> generateAll(List<GenerationContext> contexts) {
    List<float[]> references = new ArrayList<>();
    List<List<float[]>> histories = new ArrayList<>();
    List<double[]> weights = new ArrayList<>();
    for (GenerationContext c : contexts) {
      MaskedHistory h = c.history();
      List<float[]> images = new ArrayList<>();
      double[] w = new double[h.entries().size()];
      for (int n = 0; n < w.length; n++) {
        images.add(h.entries().get(n).image());
        w[n] = h.keptFraction(n);
      }
      if (images.isEmpty() || java.util.Arrays.stream(w).sum() == 0) {
        // nothing kept: the reference is its own style (the U-Net redraws it as it is)
        images = List.of(c.reference());
        w = new double[] {1};
      }
      references.add(c.reference());
      histories.add(images);
      weights.add(w);
    }
    List<float[]> drawn = unet.redraw(references, histories, weights);
    List<int[]> tokens = pigeon.model().tokenizer().tokenize(drawn);
    List<List<Candidate>> out = new ArrayList<>();
    for (int i = 0; i < contexts.size(); i++) {
      List<Candidate> candidates = new ArrayList<>();
      for (double a : contexts.get(i).alphaR()) {
        candidates.add(new Candidate(drawn.get(i), tokens.get(i), a));
      }
      out.add(candidates);
    }
    return out;
  }

  @Override
  public double warmUp(int maxRows) {
    int rows = Math.max(1, Math.min(maxRows, PigeonComponents.MAX_ROWS));
    float[] blank = new float[io.pigeonstreams.data.StickerDataset.PIXELS];
    int[] tokens = new int[pigeon.model().tokenizer().config().tokens()];
    List<HistoryEntry> history = new ArrayList<>();
    for (int n = 0; n < pigeon.model().historySize(); n++) {
      history.add(new HistoryEntry("warm-up-" + n, blank, tokens));
    }
    GenerationContext one =
        new GenerationContext(
            "warm-up", MaskedHistory.unmasked(history), blank, tokens, "warm up", List.of(0.5));
    return ImageGenerator.timeBatches(
        rows,
        b -> generateAll(Collections.nCopies(b, one)),
        b -> generateAll(Collections.nCopies(b, one)));
  }

  @Override
  public void close() {
    try {
      unet.close();
    } finally {
      pigeon.close();
    }
  }
}
