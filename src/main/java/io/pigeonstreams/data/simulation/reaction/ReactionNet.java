package io.pigeonstreams.data.simulation.reaction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The simulated users' eyes, deliberately unlike the judges' VGG network: two strided 5x5 and 3x3
 * convolutions without normalization, average and max pooling side by side, one hidden layer, and
 * two heads: the image's style (B, styles) and its emoji category (B, categories), as logits.
 */
public final class ReactionNet extends AbstractBlock {

  private final SequentialBlock trunk;
  private final Linear hidden;
  private final Linear style;
  private final Linear category;

  public ReactionNet(int styles, int categories) {
    trunk =
        addChildBlock(
            "trunk",
            new SequentialBlock()
                .add(
                    Conv2d.builder()
                        .setKernelShape(new Shape(5, 5))
                        .optStride(new Shape(2, 2))
                        .optPadding(new Shape(2, 2))
                        .setFilters(24)
                        .build())
                .add(Activation::relu)
                .add(
                    Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optStride(new Shape(2, 2))
                        .optPadding(new Shape(1, 1))
                        .setFilters(48)
                        .build())
                .add(Activation::relu)); // (B, 48, 8, 8)
    hidden = addChildBlock("hidden", Linear.builder().setUnits(96).build());
    style = addChildBlock("style", Linear.builder().setUnits(styles).build());
    category = addChildBlock("category", Linear.builder().setUnits(categories).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = trunk.forward(ps, new NDList(inputs.get(0)), training).singletonOrThrow();
    NDArray flat = x.reshape(x.getShape().get(0), x.getShape().get(1), -1); // (B, 48, 64)
    NDArray pooled =
        NDArrays.concat(new NDList(flat.mean(new int[] {2}), flat.max(new int[] {2})), 1);
    NDArray h =
        Activation.relu(hidden.forward(ps, new NDList(pooled), training).singletonOrThrow());
    return new NDList(
        style.forward(ps, new NDList(h), training).singletonOrThrow(),
        category.forward(ps, new NDList(h), training).singletonOrThrow());
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long b = inputShapes[0].get(0);
    return new Shape[] {new Shape(b, -1), new Shape(b, -1)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long b = inputShapes[0].get(0);
    trunk.initialize(manager, dataType, inputShapes[0]);
    hidden.initialize(manager, dataType, new Shape(b, 96));
    style.initialize(manager, dataType, new Shape(b, 96));
    category.initialize(manager, dataType, new Shape(b, 96));
  }
}
