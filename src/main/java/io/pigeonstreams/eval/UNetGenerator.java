package io.pigeonstreams.eval;

import io.pigeonstreams.model.UNetModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The direct image-to-image baseline ({@code unet}): the reference redrawn by {@link UNetModel} in
 * the style pooled from the whole history, no tokens.
 */
final class UNetGenerator implements StickerGenerator {

  private final UNetModel model;

  UNetGenerator(Path modelDir) throws IOException {
    model = UNetModel.load(modelDir, null);
  }

  @Override
  public String name() {
    return "unet";
  }

  @Override
  public List<float[]> generate(List<GenerationInput> batch) {
    return model.redraw(
        batch.stream().map(GenerationInput::reference).toList(),
        batch.stream().map(GenerationInput::history).toList(),
        null);
  }

  @Override
  public void close() {
    model.close();
  }
}
