package io.pigeonstreams.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.pigeonstreams.data.StickerDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The trained {@link StyleUNet} for inference: redraws references in the style pooled from weighted
 * history images. Used by the benchmark's {@code unet} row and by the engine's {@code unet}
 * generator.
 */
public final class UNetModel implements AutoCloseable {

  /** The weights' name: {@code unet-fp16.ndlist} in the model folder. */
  public static final String NAME = "unet";

  private final Model model;
  private final StyleUNet net;
  private final String version;

  private UNetModel(Model model, StyleUNet net, String version) {
    this.model = model;
    this.net = net;
    this.version = version;
  }

  /**
   * @param device where to run (null: DJL's default, a GPU when there is one)
   * @throws IOException when the weights are missing or do not fit
   */
  public static UNetModel load(Path dir, Device device) throws IOException {
    Path file = HalfWeights.file(dir, NAME);
    if (!Files.isRegularFile(file)) {
      throw new IOException("U-Net weights missing: " + file + " (`pigeon-streams train unet`)");
    }
    Model model = Model.newInstance(NAME, device);
    StyleUNet net = new StyleUNet();
    model.setBlock(net);
    try {
      net.initialize(
          model.getNDManager(),
          DataType.FLOAT32,
          new Shape(1, 3, 32, 32),
          new Shape(1, 5, 3, 32, 32));
      HalfWeights.load(net, file);
      return new UNetModel(model, net, NAME + "@" + PigeonModel.digest(file));
    } catch (IOException | RuntimeException e) {
      model.close();
      throw new IOException("cannot load " + file + ": " + e.getMessage(), e);
    }
  }

  /** The weights' name and the first 12 hex digits of their SHA-256. */
  public String version() {
    return version;
  }

  /**
   * One redrawing per reference, in one forward pass.
   *
   * @param histories per reference, its history images (at least one; the lists may differ in
   *     length)
   * @param weights per reference and history image, how much it counts in the style code (null: all
   *     equally); a row's weights must not all be 0
   */
  public List<float[]> redraw(
      List<float[]> references, List<List<float[]>> histories, List<double[]> weights) {
    int b = references.size();
    int n = histories.stream().mapToInt(List::size).max().orElse(0);
    if (n == 0) {
      throw new IllegalArgumentException("every reference needs at least one history image");
    }
    int px = StickerDataset.PIXELS;
    float[] refs = new float[b * px];
    float[] hist = new float[b * n * px];
    float[] w = new float[b * n];
    for (int i = 0; i < b; i++) {
      System.arraycopy(references.get(i), 0, refs, i * px, px);
      List<float[]> h = histories.get(i);
      for (int j = 0; j < h.size(); j++) {
        System.arraycopy(h.get(j), 0, hist, (i * n + j) * px, px);
        w[i * n + j] = weights == null ? 1f : (float) weights.get(i)[j];
      }
    }
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDList inputs =
          new NDList(
              m.create(refs, new Shape(b, 3, 32, 32)),
              m.create(hist, new Shape(b, n, 3, 32, 32)),
              m.create(w, new Shape(b, n)));
      NDArray y = net.forward(new ParameterStore(m, false), inputs, false).singletonOrThrow();
      float[] flat = y.toFloatArray();
      List<float[]> out = new ArrayList<>(b);
      for (int i = 0; i < b; i++) {
        out.add(Arrays.copyOfRange(flat, i * px, (i + 1) * px));
      }
      return out;
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
