package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;

/**
 * Tokenizer v2: a 3x32x32 image becomes an 8x8 grid of FSQ tokens (64 tokens of 4x4 pixels, each
 * one of {@code prod(levels)} codes) and back. Convolutional encoder (32 -> 16 -> 8), {@link
 * FsqQuantizer}, decoder mirrored with 2x nearest upsampling.
 */
public final class FsqAutoencoder extends ConvAutoencoder {

  private final FsqQuantizer quantizer;

  public FsqAutoencoder(TokenizerConfig config) {
    this(checked(config), new FsqQuantizer(config.levels()));
  }

  private FsqAutoencoder(TokenizerConfig config, FsqQuantizer quantizer) {
    super(config, encoder(config), quantizer, decoder(config));
    this.quantizer = quantizer;
  }

  private static TokenizerConfig checked(TokenizerConfig config) {
    if (!config.isFsq() || config.grid() != 8) {
      throw new IllegalArgumentException("FsqAutoencoder needs FSQ levels and grid 8: " + config);
    }
    return config;
  }

  private static SequentialBlock encoder(TokenizerConfig config) {
    int h = config.hidden();
    return new SequentialBlock()
        .add(conv(h / 2, 3)) // (B, h/2, 32, 32)
        .add(Activation::relu)
        .add(down(h)) // (B, h, 16, 16)
        .add(Activation::relu)
        .add(down(h)) // (B, h, 8, 8)
        .add(Activation::relu)
        .add(conv(h, 3))
        .add(Activation::relu)
        .add(conv(config.codeDim(), 1)) // (B, D, 8, 8)
        // standardized per channel, so that FSQ's tanh bound is neither saturated (one
        // code for every image) nor idle
        .add(BatchNorm.builder().optCenter(false).optScale(false).build());
  }

  private static SequentialBlock decoder(TokenizerConfig config) {
    int h = config.hidden();
    return new SequentialBlock()
        .add(conv(h, 3)) // (B, h, 8, 8)
        .add(Activation::relu)
        .add(conv(h, 3))
        .add(Activation::relu)
        .add(up(3 * h / 4)) // (B, 3h/4, 16, 16)
        .add(Activation::relu)
        .add(up(3 * h / 8)) // (B, 3h/8, 32, 32)
        .add(Activation::relu)
        .add(conv(3, 3)) // (B, 3, 32, 32)
        .add(Activation::sigmoid);
  }

  /** Tokens (B, 64) -> the quantized 8x8 grid (B, D, 8, 8). */
  @Override
  NDArray embed(ParameterStore ps, NDArray tokens) {
    return quantizer.embed(tokens, config().grid());
  }

  @Override
  public float[] codeVectors(ParameterStore ps) {
    return quantizer.codeVectors();
  }
}
