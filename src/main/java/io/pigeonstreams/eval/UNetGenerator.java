package io.pigeonstreams.eval;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.model.HalfWeights;
import io.pigeonstreams.model.StyleUNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The direct image-to-image baseline ({@code unet}): the reference redrawn by {@link StyleUNet} in
 * the style pooled from the history, no tokens.
 */
final class UNetGenerator implements StickerGenerator {

  private final Model model;
  private final StyleUNet net;

  UNetGenerator(Path modelDir) throws IOException {
    Path file = HalfWeights.file(modelDir, "unet");
    if (!Files.isRegularFile(file)) {
      throw new IOException("U-Net weights missing: " + file + " (`pigeon-streams train unet`)");
    }
    model = Model.newInstance("unet");
    net = new StyleUNet();
    model.setBlock(net);
    net.initialize(
        model.getNDManager(),
        DataType.FLOAT32,
        new Shape(1, 3, 32, 32),
        new Shape(1, 5, 3, 32, 32));
    try {
      HalfWeights.load(net, file);
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  @Override
  public String name() {
    return "unet";
  }

  @Override
  public List<float[]> generate(List<GenerationInput> batch) {
    int n = batch.get(0).history().size();
    try (NDManager m = model.getNDManager().newSubManager()) {
      float[] refs = new float[batch.size() * StickerDataset.PIXELS];
      float[] hist = new float[batch.size() * n * StickerDataset.PIXELS];
      for (int i = 0; i < batch.size(); i++) {
        GenerationInput in = batch.get(i);
        System.arraycopy(in.reference(), 0, refs, i * StickerDataset.PIXELS, StickerDataset.PIXELS);
        for (int j = 0; j < n; j++) {
          System.arraycopy(
              in.history().get(j),
              0,
              hist,
              (i * n + j) * StickerDataset.PIXELS,
              StickerDataset.PIXELS);
        }
      }
      NDList inputs =
          new NDList(
              m.create(refs, new Shape(batch.size(), 3, 32, 32)),
              m.create(hist, new Shape(batch.size(), n, 3, 32, 32)));
      NDArray y = net.forward(new ParameterStore(m, false), inputs, false).singletonOrThrow();
      float[] flat = y.toFloatArray();
      List<float[]> out = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        out.add(
            Arrays.copyOfRange(flat, i * StickerDataset.PIXELS, (i + 1) * StickerDataset.PIXELS));
      }
      return out;
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
