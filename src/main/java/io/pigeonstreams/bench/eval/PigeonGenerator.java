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

  /** Inference reference mask ratio: low-score half of the reference masked (dual phase). */
  static final double ALPHA_R = 0.5;

  private final String name;
  private final PigeonModel model;
  private final double alphaH;

  PigeonGenerator(String name, Path dir, String checkpoint, double alphaH) throws IOException {
    this.name = name;
    this.model =
        PigeonModel.load(dir, checkpoint, PigeonConfig.defaults(), TokenizerConfig.defaults(), 5);
    this.alphaH = alphaH;
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
    return model.generate(histories, references, captions, alphaH, ALPHA_R);
  }

  @Override
  public void close() {
    model.close();
  }
}
