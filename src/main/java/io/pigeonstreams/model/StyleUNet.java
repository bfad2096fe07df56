package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The direct image-to-image baseline without tokens (issue #11): a small conditional U-Net that
 * redraws the reference in a style code pooled from the history. It tells whether a miss of the
 * token-based generator comes from the data or from its architecture.
 *
 * <p>Inputs: reference (B, 3, 32, 32), history (B, N, 3, 32, 32) and optionally which history
 * images count (B, N; 1 or 0: the engine's masked history). A style encoder embeds each history
 * image (B*N, 64), the mean over the images that count is the style code (B, 64); the U-Net (32 ->
 * 16 -> 8 and back, skip connections) receives it at every resolution as added per-channel biases.
 * Output: the image (B, 3, 32, 32) in [0, 1].
 */
public final class StyleUNet extends AbstractBlock {

  /** Width of the style code. */
  public static final int STYLE = 64;

  private static final int W = 32; // channels at 32x32; 2W at 16x16, 4W at 8x8

  private final SequentialBlock styleEncoder;
  private final SequentialBlock down32;
  private final SequentialBlock down16;
  private final SequentialBlock bottom8;
  private final SequentialBlock up16;
  private final SequentialBlock up32;
  private final SequentialBlock out;
  private final Linear film32;
  private final Linear film16;
  private final Linear film8;

  public StyleUNet() {
    styleEncoder =
        addChildBlock(
            "style",
            new SequentialBlock()
                .add(ConvAutoencoder.down(32)) // (B*N, 32, 16, 16)
                .add(Activation::relu)
                .add(ConvAutoencoder.down(64)) // (B*N, 64, 8, 8)
                .add(Activation::relu)
                .add(ConvAutoencoder.conv(STYLE, 3))
                .add(Activation::relu)
                .add(Pool.globalAvgPool2dBlock()) // (B*N, 64)
                .add(Blocks.batchFlattenBlock()));
    down32 = addChildBlock("down32", block(W, W)); // (B, W, 32, 32)
    down16 = addChildBlock("down16", block(2 * W, 2 * W)); // (B, 2W, 16, 16)
    bottom8 = addChildBlock("bottom8", block(4 * W, 4 * W)); // (B, 4W, 8, 8)
    up16 = addChildBlock("up16", block(2 * W, 2 * W)); // (B, 2W, 16, 16)
    up32 = addChildBlock("up32", block(W, W)); // (B, W, 32, 32)
    out =
        addChildBlock(
            "out", new SequentialBlock().add(ConvAutoencoder.conv(3, 3)).add(Activation::sigmoid));
    film32 = addChildBlock("film32", Linear.builder().setUnits(W).build());
    film16 = addChildBlock("film16", Linear.builder().setUnits(2 * W).build());
    film8 = addChildBlock("film8", Linear.builder().setUnits(4 * W).build());
  }

  private static SequentialBlock block(int a, int b) {
    return new SequentialBlock()
        .add(ConvAutoencoder.conv(a, 3))
        .add(Activation::relu)
        .add(ConvAutoencoder.conv(b, 3))
        .add(Activation::relu);
  }

  private static NDArray pool(NDArray x) {
    return Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
  }

  private static NDArray upsample(NDArray x) {
    return x.repeat(2, 2).repeat(3, 2); // (B, C, 2H, 2W)
  }

  /** (B, S) -> (B, C, 1, 1) per-channel bias. */
  private static NDArray bias(ParameterStore ps, Linear film, NDArray style, boolean training) {
    NDArray b = film.forward(ps, new NDList(style), training).singletonOrThrow();
    return b.reshape(b.getShape().get(0), b.getShape().get(1), 1, 1);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray reference = inputs.get(0); // (B, 3, 32, 32)
    NDArray history = inputs.get(1); // (B, N, 3, 32, 32)
    long b = history.getShape().get(0);
    long n = history.getShape().get(1);
    NDArray perImage =
        styleEncoder
            .forward(ps, new NDList(history.reshape(b * n, 3, 32, 32)), training)
            .singletonOrThrow(); // (B*N, S)
    NDArray style;
    if (inputs.size() > 2) { // (B, N) weights: 1 for the history images to pool, 0 for the others
      NDArray w = inputs.get(2).reshape(b, n, 1);
      style =
          perImage
              .reshape(b, n, STYLE)
              .mul(w)
              .sum(new int[] {1})
              .div(w.sum(new int[] {1}).maximum(1e-6f)); // (B, S)
    } else {
      style = perImage.reshape(b, n, STYLE).mean(new int[] {1}); // (B, S)
    }

    NDArray x32 = down32.forward(ps, new NDList(reference), training).singletonOrThrow();
    x32 = x32.add(bias(ps, film32, style, training)); // (B, W, 32, 32)
    NDArray x16 = down16.forward(ps, new NDList(pool(x32)), training).singletonOrThrow();
    x16 = x16.add(bias(ps, film16, style, training)); // (B, 2W, 16, 16)
    NDArray x8 = bottom8.forward(ps, new NDList(pool(x16)), training).singletonOrThrow();
    x8 = x8.add(bias(ps, film8, style, training)); // (B, 4W, 8, 8)
    NDArray y16 =
        up16.forward(ps, new NDList(NDArrays.concat(new NDList(upsample(x8), x16), 1)), training)
            .singletonOrThrow(); // (B, 2W, 16, 16)
    NDArray y32 =
        up32.forward(ps, new NDList(NDArrays.concat(new NDList(upsample(y16), x32), 1)), training)
            .singletonOrThrow(); // (B, W, 32, 32)
    return out.forward(ps, new NDList(y32), training); // (B, 3, 32, 32)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape ref = inputShapes[0];
    long b = ref.get(0);
    styleEncoder.initialize(manager, dataType, new Shape(b, 3, 32, 32));
    down32.initialize(manager, dataType, ref);
    down16.initialize(manager, dataType, new Shape(b, W, 16, 16));
    bottom8.initialize(manager, dataType, new Shape(b, 2 * W, 8, 8));
    up16.initialize(manager, dataType, new Shape(b, 6 * W, 16, 16));
    up32.initialize(manager, dataType, new Shape(b, 3 * W, 32, 32));
    out.initialize(manager, dataType, new Shape(b, W, 32, 32));
    film32.initialize(manager, dataType, new Shape(b, STYLE));
    film16.initialize(manager, dataType, new Shape(b, STYLE));
    film8.initialize(manager, dataType, new Shape(b, STYLE));
  }
}
