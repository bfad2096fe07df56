package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Pigeon's mask generator (§2.2.1). A Transformer encoder reads the history token embeddings
 * E_1..E_N (each image's grid pooled to a few tokens) and the reference's whole grid E_0, each
 * token with a position (within its image) and a type (history or reference) embedding added: Z =
 * Encoder(E) (Eq. 2). A token's importance is s = cosine(z, e) (Eq. 3). The history keeps its
 * ceil((1 - alpha_h) n) most important tokens (Eq. 4); the reference gets the dual-phase mask at
 * ratio alpha_r.
 *
 * <p>Forward: history (B, N*P, C) and reference (B, L, C) embeddings → scores (B, N*P + L).
 */
public final class MaskGenerator extends AbstractBlock {

  private final int historyTokens;
  private final IdEmbedding position;
  private final IdEmbedding type;
  private final List<TransformerEncoderBlock> layers = new ArrayList<>();

  /**
   * @param historyTokens P, tokens per (pooled) history image
   * @param referenceTokens L, tokens of the reference (P <= L)
   */
  public MaskGenerator(
      int width, int heads, int layerCount, int historyTokens, int referenceTokens) {
    this.historyTokens = historyTokens;
    int tokensPerImage = Math.max(historyTokens, referenceTokens);
    this.position =
        addChildBlock(
            "position",
            new IdEmbedding.Builder()
                .setDictionarySize(tokensPerImage)
                .setEmbeddingSize(width)
                .build());
    this.type =
        addChildBlock(
            "type", new IdEmbedding.Builder().setDictionarySize(2).setEmbeddingSize(width).build());
    for (int i = 0; i < layerCount; i++) {
      layers.add(
          addChildBlock(
              "layer" + i,
              new TransformerEncoderBlock(width, heads, 4 * width, 0.0f, Activation::gelu)));
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray history = inputs.get(0); // (B, N*P, C)
    NDArray reference = inputs.get(1); // (B, L, C)
    NDManager m = history.getManager();
    long b = history.getShape().get(0);
    int th = (int) history.getShape().get(1);
    int l = (int) reference.getShape().get(1);
    NDArray e = history.concat(reference, 1); // (B, T, C), T = N*P + L
    int t = th + l;
    int[] positions = new int[t];
    int[] types = new int[t];
    for (int i = 0; i < t; i++) {
      positions[i] = i < th ? i % historyTokens : i - th;
      types[i] = i < th ? 0 : 1;
    }
    NDArray pos = Embeddings.lookup(position, ps, m.create(positions), training);
    NDArray typ = Embeddings.lookup(type, ps, m.create(types), training);
    NDArray z = e.add(pos.add(typ).expandDims(0)); // (B, T, C)
    for (TransformerEncoderBlock layer : layers) {
      z = layer.forward(ps, new NDList(z), training).singletonOrThrow(); // (B, T, C)
    }
    return new NDList(cosine(z, e)); // (B, T)
  }

  /** Row-wise cosine similarity over the last axis: (B, T, C), (B, T, C) -> (B, T). */
  static NDArray cosine(NDArray a, NDArray b) {
    NDArray dot = a.mul(b).sum(new int[] {2});
    NDArray norms = a.norm(new int[] {2}).mul(b.norm(new int[] {2})).add(1e-8f);
    return dot.div(norms);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {
      new Shape(inputShapes[0].get(0), inputShapes[0].get(1) + inputShapes[1].get(1))
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long b = inputShapes[0].get(0);
    long t = inputShapes[0].get(1) + inputShapes[1].get(1);
    long c = inputShapes[0].get(2);
    position.initialize(manager, dataType, new Shape(1));
    type.initialize(manager, dataType, new Shape(t));
    for (TransformerEncoderBlock layer : layers) {
      layer.initialize(manager, dataType, new Shape(b, t, c));
    }
  }

  /**
   * The history mask m_h of Eq. 4 as straight-through keep weights (B, N*L): forward value 1 for
   * the ceil((1 - alpha_h) n) highest-scoring valid tokens of each row, 0 otherwise; gradient of a
   * softmax over all valid history tokens jointly. In training, Gumbel noise makes the top-k a
   * sample (Gumbel top-k); at inference it is the plain top-k.
   *
   * @param scores importance of the history tokens (B, N*L)
   * @param valid 1 for tokens of real history items, 0 for padding (B, N*L)
   */
  public static NDArray historyKeep(
      NDArray scores, NDArray valid, double alphaH, float temperature, boolean training) {
    return historyKeep(scores, valid, rows(alphaH, scores), temperature, training);
  }

  /** As above, with one alpha_h per row (B) so that one batch can mix requests. */
  public static NDArray historyKeep(
      NDArray scores, NDArray valid, double[] alphaH, float temperature, boolean training) {
    NDArray invalid = valid.mul(-1).add(1).mul(1e9f); // (B, N*L): 0 or 1e9
    NDArray logits = scores.div(temperature).sub(invalid);
    NDArray p = logits.softmax(1); // (B, N*L), zero on padding
    NDArray perturbed = logits;
    if (training) {
      NDArray u = scores.getManager().randomUniform(1e-6f, 1f - 1e-6f, scores.getShape());
      perturbed = logits.add(u.log().neg().log().neg()); // + Gumbel(0, 1)
    }
    NDArray keepRatio =
        scores
            .getManager()
            .create(toFloats(alphaH, 1), new Shape(alphaH.length, 1)); // (B, 1): 1 - alpha_h
    NDArray k = valid.sum(new int[] {1}, true).mul(keepRatio).sub(1e-6f).ceil(); // (B, 1)
    NDArray rank = perturbed.stopGradient().argSort(1, false).argSort(1, true); // 0 = best
    NDArray hard =
        rank.toType(DataType.FLOAT32, false).lt(k).toType(DataType.FLOAT32, false).mul(valid);
    return hard.add(p.sub(p.stopGradient())); // value of hard, gradient of p
  }

  /**
   * The reference's dual-phase mask m_r (B, L): masks round(alpha_r L) tokens, the highest-scoring
   * ones in training (forcing the model to recover them from the history) and the lowest-scoring
   * ones at inference.
   */
  public static NDArray referenceKeep(NDArray scores, double alphaR, boolean training) {
    return referenceKeep(scores, rows(alphaR, scores), training);
  }

  /** As above, with one alpha_r per row (B): the candidates of a sweep share one batch. */
  public static NDArray referenceKeep(NDArray scores, double[] alphaR, boolean training) {
    int l = (int) scores.getShape().get(1);
    float[] masked = new float[alphaR.length];
    for (int i = 0; i < masked.length; i++) {
      masked[i] = Math.round(alphaR[i] * l);
    }
    NDArray count = scores.getManager().create(masked, new Shape(masked.length, 1)); // (B, 1)
    // rank 0 = the token masked first: highest score in training, lowest at inference
    NDArray rank = scores.stopGradient().argSort(1, !training).argSort(1, true); // (B, L)
    return rank.toType(DataType.FLOAT32, false).gte(count).toType(DataType.FLOAT32, false);
  }

  private static double[] rows(double ratio, NDArray scores) {
    double[] r = new double[(int) scores.getShape().get(0)];
    java.util.Arrays.fill(r, ratio);
    return r;
  }

  /** {@code offset - r} per row. */
  private static float[] toFloats(double[] ratios, int offset) {
    float[] f = new float[ratios.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) (offset - ratios[i]);
    }
    return f;
  }
}
