package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Tokenizer v2: a 3x32x32 image becomes an 8x8 grid of FSQ tokens (64 tokens of 4x4 pixels, each
 * one of {@code prod(levels)} codes) and back. Convolutional encoder (32 -> 16 -> 8), {@link
 * FsqQuantizer}, decoder mirrored with 2x nearest upsampling.
 */
public final class FsqAutoencoder extends AbstractBlock implements TokenizerNet {

  private final TokenizerConfig config;
  private final SequentialBlock encoder;
  private final FsqQuantizer quantizer;
  private final SequentialBlock decoder;

  public FsqAutoencoder(TokenizerConfig config) {
    if (!config.isFsq() || config.grid() != 8) {
      throw new IllegalArgumentException("FsqAutoencoder needs FSQ levels and grid 8: " + config);
    }
    this.config = config;
    int h = config.hidden();
    this.encoder =
        addChildBlock(
            "encoder",
            new SequentialBlock()
                .add(VqAutoencoder.conv(h / 2, 3)) // (B, h/2, 32, 32)
                .add(Activation::relu)
                .add(VqAutoencoder.down(h)) // (B, h, 16, 16)
                .add(Activation::relu)
                .add(VqAutoencoder.down(h)) // (B, h, 8, 8)
                .add(Activation::relu)
                .add(VqAutoencoder.conv(h, 3))
                .add(Activation::relu)
                .add(VqAutoencoder.conv(config.codeDim(), 1)) // (B, D, 8, 8)
                // standardized per channel, so that FSQ's tanh bound is neither saturated (one
                // code for every image) nor idle
                .add(BatchNorm.builder().optCenter(false).optScale(false).build()));
    this.quantizer = addChildBlock("quantizer", new FsqQuantizer(config.levels()));
    this.decoder =
        addChildBlock(
            "decoder",
            new SequentialBlock()
                .add(VqAutoencoder.conv(h, 3)) // (B, h, 8, 8)
                .add(Activation::relu)
                .add(VqAutoencoder.conv(h, 3))
                .add(Activation::relu)
                .add(VqAutoencoder.up(3 * h / 4)) // (B, 3h/4, 16, 16)
                .add(Activation::relu)
                .add(VqAutoencoder.up(3 * h / 8)) // (B, 3h/8, 32, 32)
                .add(Activation::relu)
                .add(VqAutoencoder.conv(3, 3)) // (B, 3, 32, 32)
                .add(Activation::sigmoid));
  }

  @Override
  public TokenizerConfig config() {
    return config;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray z = encoder.forward(ps, inputs, training).singletonOrThrow(); // (B, D, 8, 8)
    NDList q = quantizer.forward(ps, new NDList(z), training);
    NDArray recon = decoder.forward(ps, new NDList(q.get(0)), training).singletonOrThrow();
    return new NDList(recon, q.get(1), q.get(2), q.get(3));
  }

  @Override
  public NDArray encode(ParameterStore ps, NDArray images) {
    NDArray z = encoder.forward(ps, new NDList(images), false).singletonOrThrow();
    return quantizer.forward(ps, new NDList(z), false).get(2); // (B, 64)
  }

  @Override
  public NDArray features(ParameterStore ps, NDArray images) {
    return encoder.forward(ps, new NDList(images), false).singletonOrThrow(); // (B, D, 8, 8)
  }

  @Override
  public NDArray decode(ParameterStore ps, NDArray tokens) {
    NDArray grid = quantizer.embed(tokens, config.grid()); // (B, D, 8, 8)
    return decoder.forward(ps, new NDList(grid), false).singletonOrThrow();
  }

  @Override
  public float[] codeVectors(ParameterStore ps) {
    return quantizer.codeVectors();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long b = inputShapes[0].get(0);
    return new Shape[] {
      inputShapes[0],
      new Shape(),
      new Shape(b, config.tokens()),
      new Shape(b * config.tokens(), config.codeDim())
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    encoder.initialize(manager, dataType, inputShapes);
    Shape[] z = encoder.getOutputShapes(inputShapes);
    quantizer.initialize(manager, dataType, z);
    decoder.initialize(manager, dataType, z);
  }
}
