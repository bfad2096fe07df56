package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/**
 * Nearest-codebook quantization (VQ-VAE): each D-dim vector of the encoder's grid becomes the index
 * of its closest code, Z_i. The quantized grid passes gradients straight through to the encoder;
 * the codebook and commitment losses train the codebook and keep the encoder close to it.
 *
 * <p>Vectors and codes are L2-normalized before the lookup (as in ViT-VQGAN), which keeps far more
 * of the codebook in use than raw Euclidean lookup; the trainer also restarts codes that go unused.
 *
 * <p>Input (B, D, H, W). Output: quantized (B, D, H, W) with straight-through gradients, the VQ
 * loss (scalar), and the token indices (B, H*W) as int64.
 */
public final class VectorQuantizer extends AbstractBlock {

  private final int codebookSize;
  private final int codeDim;
  private final float commitment;
  private final Parameter codebook;

  public VectorQuantizer(int codebookSize, int codeDim, float commitment) {
    this.codebookSize = codebookSize;
    this.codeDim = codeDim;
    this.commitment = commitment;
    this.codebook =
        addParameter(
            Parameter.builder()
                .setName("codebook")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(codebookSize, codeDim))
                .optInitializer(new UniformInitializer(1f / codebookSize))
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray z = inputs.singletonOrThrow(); // (B, D, H, W)
    NDArray e = ps.getValue(codebook, z.getDevice(), training); // (K, D)
    long b = z.getShape().get(0);
    long h = z.getShape().get(2);
    long w = z.getShape().get(3);
    NDArray flat = l2(z.transpose(0, 2, 3, 1).reshape(-1, codeDim)); // (B*H*W, D)
    e = l2(e);
    NDArray indices = nearest(flat, e); // (B*H*W)
    NDArray quantized = lookup(indices, e); // (B*H*W, D)
    NDArray codebookLoss = quantized.sub(flat.stopGradient()).square().mean();
    NDArray commitLoss = flat.sub(quantized.stopGradient()).square().mean().mul(commitment);
    NDArray straight = flat.add(quantized.sub(flat).stopGradient()); // value of q, gradient of z
    NDArray out = straight.reshape(b, h, w, codeDim).transpose(0, 3, 1, 2); // (B, D, H, W)
    return new NDList(out, codebookLoss.add(commitLoss), indices.reshape(b, h * w), flat);
  }

  /** Rows scaled to unit length. */
  static NDArray l2(NDArray rows) {
    return rows.div(rows.square().sum(new int[] {1}, true).add(1e-8f).sqrt());
  }

  public Parameter codebook() {
    return codebook;
  }

  int codebookSize() {
    return codebookSize;
  }

  /** Index of the closest code for each row: argmin ||z||^2 - 2 z.e + ||e||^2. */
  static NDArray nearest(NDArray flat, NDArray e) {
    NDArray d =
        flat.square()
            .sum(new int[] {1}, true) // (N, 1)
            .sub(flat.matMul(e.transpose()).mul(2)) // (N, K)
            .add(e.square().sum(new int[] {1}).reshape(1, -1)); // (1, K)
    return d.argMin(1); // (N)
  }

  /** Code vectors of the given indices, differentiable in the codebook. */
  NDArray lookup(NDArray indices, NDArray e) {
    return indices.oneHot(codebookSize, DataType.FLOAT32).matMul(e); // (N, K) x (K, D) -> (N, D)
  }

  /** Tokens (B, T) -> code vectors laid out as the decoder's input grid (B, D, H, W). */
  NDArray embed(ParameterStore ps, NDArray tokens, int grid) {
    NDArray e = l2(ps.getValue(codebook, tokens.getDevice(), false)); // (K, D)
    long b = tokens.getShape().get(0);
    return lookup(tokens.reshape(-1), e)
        .reshape(b, grid, grid, codeDim) // (B, H, W, D)
        .transpose(0, 3, 1, 2); // (B, D, H, W)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    long n = in.get(0) * in.get(2) * in.get(3);
    return new Shape[] {
      in, new Shape(), new Shape(in.get(0), in.get(2) * in.get(3)), new Shape(n, codeDim)
    };
  }
}
