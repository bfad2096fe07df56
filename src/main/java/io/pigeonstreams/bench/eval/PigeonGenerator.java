package io.pigeonstreams.bench.eval;

import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.model.TokenizerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A trained Pigeon checkpoint as a benchmark generator (alpha_h 0.2, one pass, argmax tokens). */
final class PigeonGenerator implements StickerGenerator {

  /** The paper's default history mask ratio. */
  static final double ALPHA_H = 0.2;

  /** Inference reference mask ratio: low-score half of the reference masked (dual phase). */
  static final double ALPHA_R = 0.5;

  private final String name;
  private final PigeonModel model;
  private final double alphaH;
  private final double alphaR;

  /**
   * @param ratios alpha_h and alpha_r to generate with; a generator run at other than the defaults
   *     is named with them, e.g. {@code pigeon-sft[ah=0.40 ar=0.00]}, so that its row stays apart
   */
  PigeonGenerator(String name, Path dir, String checkpoint, Generators.MaskRatios ratios)
      throws IOException {
    this.alphaH = ratios.alphaH() == null ? ALPHA_H : ratios.alphaH();
    this.alphaR = ratios.alphaR() == null ? ALPHA_R : ratios.alphaR();
    this.name =
        alphaH == ALPHA_H && alphaR == ALPHA_R
            ? name
            : String.format(java.util.Locale.ROOT, "%s[ah=%.2f ar=%.2f]", name, alphaH, alphaR);
    this.model =
        PigeonModel.load(dir, checkpoint, PigeonConfig.defaults(), TokenizerConfig.defaults(), 5);
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
    for (GenerationInput in : batch) {
      histories.add(in.history());
      references.add(in.reference());
      captions.add(in.caption());
    }
    return model.generate(histories, references, captions, alphaH, alphaR);
  }

  @Override
  public void close() {
    model.close();
  }
}
