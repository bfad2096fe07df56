package io.pigeonstreams.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import io.pigeonstreams.image.StickerImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The production scorer's taste encoder: image -> unit-length 64-d embedding in which images the
 * same users interact with lie close. Learned without any label, only from which images share a
 * user's interaction window ({@code train scorer}); not a benchmark judge.
 */
public final class StyleEncoder implements AutoCloseable {

  public static final String NAME = "style-encoder";
  public static final int DIM = 64;
  private static final int BATCH = 256;

  private final Model model;

  private StyleEncoder(Model model) {
    this.model = model;
  }

  /** A small VGG-style CNN and a linear projection to 64 dimensions. */
  public static SequentialBlock network() {
    return new SequentialBlock()
        .add(trunk()) // (B, 128)
        .add(Linear.builder().setUnits(DIM).build()); // (B, 64)
  }

  /**
   * (B, 3, 32, 32) -> (B, 128): three stages of two 3x3 conv + batch-norm + ReLU, 2x2 max pooling
   * between stages, global average pooling. The benchmark's judges happen to use the same shape of
   * network; they share no code (or weights) with the production scorer, so that a change to one
   * never moves the other.
   */
  private static SequentialBlock trunk() {
    SequentialBlock trunk = new SequentialBlock();
    int[] widths = {32, 64, 128};
    for (int stage = 0; stage < widths.length; stage++) {
      for (int conv = 0; conv < 2; conv++) {
        trunk.add(
            Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(widths[stage])
                .build());
        trunk.add(BatchNorm.builder().build()).add(Activation::relu);
      }
      if (stage < widths.length - 1) {
        trunk.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2))); // (B, C, H/2, W/2)
      }
    }
    return trunk.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock()); // (B, 128)
  }

  public static StyleEncoder load(Path dir) throws IOException {
    return load(dir, null);
  }

  /**
   * @param device where to run (null: DJL's default, a GPU when there is one)
   */
  public static StyleEncoder load(Path dir, ai.djl.Device device) throws IOException {
    Path params = dir.resolve(NAME + "-0000.params");
    if (!Files.isRegularFile(params)) {
      throw new IOException("style encoder weights missing: " + params);
    }
    Model model = Model.newInstance(NAME, device);
    model.setBlock(network());
    try {
      model.load(dir, NAME);
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw new IOException("cannot load " + params + ": " + e.getMessage(), e);
    }
    return new StyleEncoder(model);
  }

  /** Unit-length embeddings of 3x32x32 images. */
  public List<float[]> embed(List<float[]> images) {
    List<float[]> out = new ArrayList<>();
    for (int from = 0; from < images.size(); from += BATCH) {
      int to = Math.min(images.size(), from + BATCH);
      try (NDManager m = model.getNDManager().newSubManager()) {
        float[] flat = new float[(to - from) * StickerImage.PIXELS];
        for (int i = from; i < to; i++) {
          System.arraycopy(
              images.get(i), 0, flat, (i - from) * StickerImage.PIXELS, StickerImage.PIXELS);
        }
        NDArray x = m.create(flat, new Shape(to - from, 3, 32, 32)); // (B, 3, 32, 32)
        NDArray e =
            model
                .getBlock()
                .forward(new ParameterStore(m, false), new NDList(x), false)
                .singletonOrThrow(); // (B, 64)
        float[] f = normalize(e).toFloatArray();
        for (int i = 0; i < to - from; i++) {
          out.add(java.util.Arrays.copyOfRange(f, i * DIM, (i + 1) * DIM));
        }
      }
    }
    return out;
  }

  /**
   * The trunk's feature maps of images that may carry a gradient (the weights stay frozen): the
   * last activation of each of the three stages, (B, 32, 32, 32), (B, 64, 16, 16), (B, 128, 8, 8).
   * What a tokenizer's reconstruction is asked to match (a perceptual loss of this project's own
   * network, never a judge's).
   */
  public NDList featureMaps(NDArray images) {
    Block trunk = model.getBlock().getChildren().get(0).getValue();
    ParameterStore ps = new ParameterStore(images.getManager(), false);
    NDList x = new NDList(images);
    NDList maps = new NDList();
    int i = 0;
    for (Block child : trunk.getChildren().values()) {
      x = child.forward(ps, x, false);
      if (i == STAGE_ENDS[maps.size()]) {
        maps.add(x.singletonOrThrow());
        if (maps.size() == STAGE_ENDS.length) {
          break;
        }
      }
      i++;
    }
    return maps;
  }

  /** Index of the last ReLU of each stage in the trunk (6 blocks a stage, a pool between). */
  private static final int[] STAGE_ENDS = {5, 12, 19};

  /** Rows scaled to unit length: (B, D) -> (B, D). */
  public static NDArray normalize(NDArray e) {
    return e.div(e.square().sum(new int[] {1}, true).sqrt().add(1e-8f));
  }

  @Override
  public void close() {
    model.close();
  }
}
