package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A visual tokenizer and token decoder as one DJL block (the first VQ tokenizer or tokenizer v2,
 * FSQ). Forward: images (B, 3, 32, 32) -> reconstruction (B, 3, 32, 32), quantizer loss (), tokens
 * (B, T) and the encoder's vectors before quantization (B*T, D).
 */
public interface TokenizerNet extends Block {

  TokenizerConfig config();

  /** Images (B, 3, 32, 32) -> tokens (B, T). */
  NDArray encode(ParameterStore ps, NDArray images);

  /** Images (B, 3, 32, 32) -> the encoder's continuous features (B, D, grid, grid). */
  NDArray features(ParameterStore ps, NDArray images);

  /** Tokens (B, T) -> images (B, 3, 32, 32). */
  NDArray decode(ParameterStore ps, NDArray tokens);

  /** Every code's vector as the decoder reads it: K * D floats, row-major. */
  float[] codeVectors(ParameterStore ps);

  /** The network a configuration describes. */
  static TokenizerNet of(TokenizerConfig config) {
    return config.isFsq() ? new FsqAutoencoder(config) : new VqAutoencoder(config);
  }

  /** The reconstruction of a forward pass. */
  static NDArray reconstruction(NDList forward) {
    return forward.get(0);
  }
}
