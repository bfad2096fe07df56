package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;

/**
 * Pigeon's visual tokenizer and token decoder as one VQ autoencoder: a 3x32x32 image becomes a 4x4
 * grid of codebook indices (16 visual tokens) and back. Forward returns the reconstruction, the VQ
 * loss and the tokens.
 */
public final class VqAutoencoder extends ConvAutoencoder {

  private final VectorQuantizer quantizer;

  public VqAutoencoder(TokenizerConfig config) {
    this(config, new VectorQuantizer(config.codebookSize(), config.codeDim(), config.commitment()));
  }

  private VqAutoencoder(TokenizerConfig config, VectorQuantizer quantizer) {
    super(config, encoder(config), quantizer, decoder(config));
    this.quantizer = quantizer;
  }

  private static SequentialBlock encoder(TokenizerConfig config) {
    int h = config.hidden();
    return new SequentialBlock()
        .add(down(h)) // (B, h, 16, 16)
        .add(Activation::relu)
        .add(down(h)) // (B, h, 8, 8)
        .add(Activation::relu)
        .add(down(h)) // (B, h, 4, 4)
        .add(Activation::relu)
        .add(conv(h, 3))
        .add(Activation::relu)
        .add(conv(config.codeDim(), 1)); // (B, D, 4, 4)
  }

  private static SequentialBlock decoder(TokenizerConfig config) {
    int h = config.hidden();
    return new SequentialBlock()
        .add(conv(h, 3)) // (B, h, 4, 4)
        .add(Activation::relu)
        .add(up(h)) // (B, h, 8, 8)
        .add(Activation::relu)
        .add(up(h)) // (B, h, 16, 16)
        .add(Activation::relu)
        .add(up(3)) // (B, 3, 32, 32)
        .add(Activation::sigmoid);
  }

  public VectorQuantizer quantizer() {
    return quantizer;
  }

  /** Tokens (B, 16) -> code vectors on the 4x4 grid (B, D, 4, 4). */
  @Override
  NDArray embed(ParameterStore ps, NDArray tokens) {
    return quantizer.embed(ps, tokens, TokenizerConfig.GRID);
  }

  /** The L2-normalized codebook: the vectors the decoder reads. */
  @Override
  public float[] codeVectors(ParameterStore ps) {
    return VectorQuantizer.l2(quantizer.codebook().getArray()).toFloatArray();
  }
}
