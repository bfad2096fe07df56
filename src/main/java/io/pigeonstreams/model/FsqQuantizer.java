package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * Finite scalar quantization (FSQ, Mentzer et al. 2023): each of the D channels of the encoder's
 * grid is bounded to L_d levels and rounded, with straight-through gradients; the tuple of D levels
 * is the token (K = prod L_d codes). There is no codebook to learn, so none goes unused and there
 * is no codebook or commitment loss.
 *
 * <p>Input (B, D, H, W). Output: quantized (B, D, H, W) in [-1, 1] with straight-through gradients,
 * a zero loss (scalar), the token indices (B, H*W) as int64, and the bounded vectors (B*H*W, D)
 * (the same outputs as {@link VectorQuantizer}).
 */
public final class FsqQuantizer extends AbstractBlock {

  private final int[] levels;
  private final float[] half; // (L - 1) / 2: the bound of tanh
  private final float[] offset; // 0.5 for even L, so that round() gives L values
  private final float[] shift; // atanh(offset / half): zero maps to a level
  private final float[] width; // L / 2 (integer division): levels -> [-1, 1]
  private final long[] basis; // mixed-radix digits -> index

  public FsqQuantizer(List<Integer> levels) {
    int d = levels.size();
    this.levels = levels.stream().mapToInt(Integer::intValue).toArray();
    this.half = new float[d];
    this.offset = new float[d];
    this.shift = new float[d];
    this.width = new float[d];
    this.basis = new long[d];
    long b = 1;
    for (int i = 0; i < d; i++) {
      int l = this.levels[i];
      half[i] = (l - 1) / 2f;
      offset[i] = l % 2 == 0 ? 0.5f : 0f;
      shift[i] = (float) atanh(offset[i] / half[i]);
      width[i] = l / 2;
      basis[i] = b;
      b *= l;
    }
  }

  private static double atanh(double x) {
    return 0.5 * Math.log((1 + x) / (1 - x));
  }

  public int codebookSize() {
    long k = 1;
    for (int l : levels) {
      k *= l;
    }
    return (int) k;
  }

  private static NDArray channels(NDManager m, float[] values) {
    return m.create(values, new Shape(1, values.length, 1, 1)); // (1, D, 1, 1)
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray z = inputs.singletonOrThrow(); // (B, D, H, W)
    NDManager m = z.getManager();
    long b = z.getShape().get(0);
    long h = z.getShape().get(2);
    long w = z.getShape().get(3);
    NDArray bounded =
        z.add(channels(m, shift))
            .tanh()
            .mul(channels(m, half))
            .sub(channels(m, offset)); // (B, D, H, W), in (-L/2, L/2)
    NDArray rounded = bounded.round();
    NDArray straight = bounded.add(rounded.sub(bounded).stopGradient()); // value of round
    NDArray quantized = straight.div(channels(m, width)); // (B, D, H, W) in [-1, 1]
    NDArray digits = rounded.add(channels(m, width)); // (B, D, H, W) in [0, L - 1]
    NDArray indices =
        digits
            .mul(m.create(basisAsFloat(), new Shape(1, levels.length, 1, 1)))
            .sum(new int[] {1}) // (B, H, W)
            .toType(DataType.INT64, false)
            .reshape(b, h * w); // (B, H*W)
    NDArray flat = bounded.transpose(0, 2, 3, 1).reshape(-1, levels.length); // (B*H*W, D)
    return new NDList(quantized, m.zeros(new Shape()), indices, flat);
  }

  private float[] basisAsFloat() {
    float[] f = new float[basis.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = basis[i];
    }
    return f;
  }

  /** Tokens (B, T) -> the quantized grid the decoder reads (B, D, grid, grid), in [-1, 1]. */
  NDArray embed(NDArray tokens, int grid) {
    NDManager m = tokens.getManager();
    long b = tokens.getShape().get(0);
    NDArray t = tokens.reshape(b, 1, grid, grid).toType(DataType.FLOAT32, false); // exact < 2^24
    NDList digits = new NDList();
    for (int i = 0; i < levels.length; i++) {
      NDArray digit = t.div(basis[i]).floor().mod(levels[i]); // floor(t / basis_i) mod L_i
      digits.add(digit.sub(width[i]).div(width[i])); // (B, 1, grid, grid)
    }
    return NDArrays.concat(digits, 1); // (B, D, grid, grid)
  }

  /** Every code's vector, as the decoder reads it: K * D floats, row-major (index order). */
  public float[] codeVectors() {
    int k = codebookSize();
    float[] out = new float[k * levels.length];
    for (int index = 0; index < k; index++) {
      for (int i = 0; i < levels.length; i++) {
        long digit = (index / basis[i]) % levels[i];
        out[index * levels.length + i] = (digit - width[i]) / width[i];
      }
    }
    return out;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    long n = in.get(0) * in.get(2) * in.get(3);
    return new Shape[] {
      in, new Shape(), new Shape(in.get(0), in.get(2) * in.get(3)), new Shape(n, levels.length)
    };
  }
}
