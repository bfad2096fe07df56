package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * What both visual tokenizers share: a convolutional encoder, a quantizer and a decoder, in that
 * order (children {@code encoder}, {@code quantizer}, {@code decoder}: the parameter names of the
 * committed weights). The quantizer's forward gives the quantized grid, its loss, the tokens and
 * the vectors before quantization; a subclass says how tokens become the decoder's grid again.
 */
abstract class ConvAutoencoder extends AbstractBlock implements TokenizerNet {

  private final TokenizerConfig config;
  private final SequentialBlock encoder;
  private final Block quantizer;
  private final SequentialBlock decoder;

  ConvAutoencoder(
      TokenizerConfig config, SequentialBlock encoder, Block quantizer, SequentialBlock decoder) {
    this.config = config;
    this.encoder = addChildBlock("encoder", encoder);
    this.quantizer = addChildBlock("quantizer", quantizer);
    this.decoder = addChildBlock("decoder", decoder);
  }

  /** Tokens (B, T) -> the decoder's input grid (B, D, grid, grid). */
  abstract NDArray embed(ParameterStore ps, NDArray tokens);

  static Conv2d down(int filters) {
    return Conv2d.builder()
        .setKernelShape(new Shape(4, 4))
        .optStride(new Shape(2, 2))
        .optPadding(new Shape(1, 1))
        .setFilters(filters)
        .build();
  }

  static Conv2d conv(int filters, int kernel) {
    return Conv2d.builder()
        .setKernelShape(new Shape(kernel, kernel))
        .optPadding(new Shape(kernel / 2, kernel / 2))
        .setFilters(filters)
        .build();
  }

  /**
   * 2x nearest-neighbour upsampling then a 3x3 convolution (DJL's PyTorch engine has no transposed
   * convolution; this also avoids its checkerboard artifacts).
   */
  static SequentialBlock up(int filters) {
    return new SequentialBlock()
        .add(
            new LambdaBlock(
                x -> new NDList(x.singletonOrThrow().repeat(2, 2).repeat(3, 2)), // (B, C, 2H, 2W)
                "upsample"))
        .add(conv(filters, 3));
  }

  @Override
  public TokenizerConfig config() {
    return config;
  }

  /**
   * (B, 3, 32, 32) -> reconstruction (B, 3, 32, 32), quantizer loss (), tokens (B, T), and the
   * encoder vectors (B*T, D).
   */
  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray z = encoder.forward(ps, inputs, training).singletonOrThrow(); // (B, D, g, g)
    NDList q = quantizer.forward(ps, new NDList(z), training);
    NDArray recon = decoder.forward(ps, new NDList(q.get(0)), training).singletonOrThrow();
    return new NDList(recon, q.get(1), q.get(2), q.get(3));
  }

  @Override
  public NDArray encode(ParameterStore ps, NDArray images) {
    NDArray z = encoder.forward(ps, new NDList(images), false).singletonOrThrow();
    return quantizer.forward(ps, new NDList(z), false).get(2); // (B, T)
  }

  @Override
  public NDArray features(ParameterStore ps, NDArray images) {
    return encoder.forward(ps, new NDList(images), false).singletonOrThrow(); // (B, D, g, g)
  }

  @Override
  public NDArray decode(ParameterStore ps, NDArray tokens) {
    return decoder.forward(ps, new NDList(embed(ps, tokens)), false).singletonOrThrow();
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
