package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Pigeon's visual tokenizer and token decoder as one VQ autoencoder: a 3x32x32 image becomes a 4x4
 * grid of codebook indices (16 visual tokens) and back. Forward returns the reconstruction, the VQ
 * loss and the tokens.
 */
public final class VqAutoencoder extends AbstractBlock implements TokenizerNet {

  private final TokenizerConfig config;
  private final SequentialBlock encoder;
  private final VectorQuantizer quantizer;
  private final SequentialBlock decoder;

  public VqAutoencoder(TokenizerConfig config) {
    this.config = config;
    int h = config.hidden();
    this.encoder =
        addChildBlock(
            "encoder",
            new SequentialBlock()
                .add(down(h)) // (B, h, 16, 16)
                .add(Activation::relu)
                .add(down(h)) // (B, h, 8, 8)
                .add(Activation::relu)
                .add(down(h)) // (B, h, 4, 4)
                .add(Activation::relu)
                .add(conv(h, 3))
                .add(Activation::relu)
                .add(conv(config.codeDim(), 1))); // (B, D, 4, 4)
    this.quantizer =
        addChildBlock(
            "quantizer",
            new VectorQuantizer(config.codebookSize(), config.codeDim(), config.commitment()));
    this.decoder =
        addChildBlock(
            "decoder",
            new SequentialBlock()
                .add(conv(h, 3)) // (B, h, 4, 4)
                .add(Activation::relu)
                .add(up(h)) // (B, h, 8, 8)
                .add(Activation::relu)
                .add(up(h)) // (B, h, 16, 16)
                .add(Activation::relu)
                .add(up(3)) // (B, 3, 32, 32)
                .add(Activation::sigmoid));
  }

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
   * (B, 3, 32, 32) -> reconstruction (B, 3, 32, 32), VQ loss (), tokens (B, 16), and the normalized
   * encoder vectors (B*16, D) the trainer restarts dead codes from.
   */
  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray z = encoder.forward(ps, inputs, training).singletonOrThrow(); // (B, D, 4, 4)
    NDList q = quantizer.forward(ps, new NDList(z), training);
    NDArray recon = decoder.forward(ps, new NDList(q.get(0)), training).singletonOrThrow();
    return new NDList(recon, q.get(1), q.get(2), q.get(3));
  }

  public VectorQuantizer quantizer() {
    return quantizer;
  }

  /** Images (B, 3, 32, 32) -> tokens (B, 16). */
  @Override
  public NDArray encode(ParameterStore ps, NDArray images) {
    NDArray z = encoder.forward(ps, new NDList(images), false).singletonOrThrow();
    return quantizer.forward(ps, new NDList(z), false).get(2);
  }

  /** Images (B, 3, 32, 32) -> the encoder's continuous features (B, D, 4, 4), before VQ. */
  @Override
  public NDArray features(ParameterStore ps, NDArray images) {
    return encoder.forward(ps, new NDList(images), false).singletonOrThrow();
  }

  /** Tokens (B, 16) -> images (B, 3, 32, 32). */
  @Override
  public NDArray decode(ParameterStore ps, NDArray tokens) {
    NDArray grid = quantizer.embed(ps, tokens, TokenizerConfig.GRID); // (B, D, 4, 4)
    return decoder.forward(ps, new NDList(grid), false).singletonOrThrow();
  }

  /** The L2-normalized codebook: the vectors the decoder reads. */
  @Override
  public float[] codeVectors(ParameterStore ps) {
    return VectorQuantizer.l2(quantizer.codebook().getArray()).toFloatArray();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long b = inputShapes[0].get(0);
    return new Shape[] {
      inputShapes[0],
      new Shape(),
      new Shape(b, TokenizerConfig.TOKENS),
      new Shape(b * TokenizerConfig.TOKENS, config.codeDim())
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
