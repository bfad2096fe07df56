package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The trainable part of Pigeon: visual token embeddings E_i, the {@link MaskGenerator} and the
 * {@link PersonalizationModule}. The (frozen) tokenizer turns images into tokens before and tokens
 * into the image after.
 *
 * <p>Inputs: history tokens (B, N*L) int32, history validity (B, N*L), reference tokens (B, L)
 * int32, reference code vectors (B, L, D), caption word ids (B, T) int32. Parameters {@code alphaH}
 * and {@code alphaR}: a Double for the whole batch, or a double[] with one ratio per row. Outputs:
 * target logits (B, L, K), history keep weights (B, N*L), reference keep (B, L).
 */
public final class PigeonNet extends AbstractBlock {

  public static final String ALPHA_H = "alphaH";
  public static final String ALPHA_R = "alphaR";

  /** Parameter: when TRUE, run the mask generator only (output 0 is then not logits). */
  public static final String MASK_ONLY = "maskOnly";

  private final PigeonConfig config;
  private final int tokens;
  private final IdEmbedding embedding;
  private final MaskGenerator maskGenerator;
  private final PersonalizationModule personalization;

  public PigeonNet(PigeonConfig config, int tokensPerImage, int codebookSize) {
    this.config = config;
    this.tokens = tokensPerImage;
    embedding =
        addChildBlock(
            "embedding",
            new IdEmbedding.Builder()
                .setDictionarySize(codebookSize)
                .setEmbeddingSize(config.width())
                .build());
    maskGenerator =
        addChildBlock(
            "maskGenerator",
            new MaskGenerator(config.width(), config.heads(), config.maskLayers(), tokensPerImage));
    personalization =
        addChildBlock(
            "personalization", new PersonalizationModule(config, tokensPerImage, codebookSize));
  }

  public PigeonConfig config() {
    return config;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray historyTokens = inputs.get(0); // (B, N*L)
    NDArray historyValid = inputs.get(1); // (B, N*L)
    NDArray referenceTokens = inputs.get(2); // (B, L)
    NDArray referenceCodes = inputs.get(3); // (B, L, D)
    NDArray text = inputs.get(4); // (B, T)
    int b = (int) historyTokens.getShape().get(0);
    double[] alphaH = param(params, inputs, ALPHA_H, config.alphaH(), b);
    double[] alphaR = param(params, inputs, ALPHA_R, 0.0, b);
    boolean maskOnly =
        (params != null && Boolean.TRUE.equals(params.get(MASK_ONLY)))
            || inputs.contains(MASK_ONLY);
    int th = (int) historyTokens.getShape().get(1);

    NDArray eh = embed(ps, historyTokens, training).mul(historyValid.expandDims(2)); // (B, N*L, C)
    NDArray er = embed(ps, referenceTokens, training); // (B, L, C)
    NDArray scores =
        maskGenerator.forward(ps, new NDList(eh, er), training).singletonOrThrow(); // (B, N*L+L)
    NDArray historyKeep =
        inputs.size() > 5 && inputs.get(5).getName() == null
            ? inputs.get(5) // (B, N*L): masked earlier by this same mask generator
            : MaskGenerator.historyKeep(
                scores.get(":, :" + th),
                historyValid,
                alphaH,
                config.gumbelTemperature(),
                training);
    NDArray referenceKeep =
        MaskGenerator.referenceKeep(scores.get(":, " + th + ":"), alphaR, training);
    if (maskOnly) {
      return new NDList(historyKeep, historyKeep, referenceKeep); // no logits: masks only
    }
    // Eq. 4: masked history embeddings, scaled by the straight-through keep weights so that the
    // reconstruction loss reaches the mask generator
    NDArray masked = eh.mul(historyKeep.expandDims(2)); // (B, N*L, C)
    NDArray logits =
        personalization
            .forward(ps, new NDList(masked, referenceCodes, referenceKeep, text), training)
            .singletonOrThrow(); // (B, L, K)
    return new NDList(logits, historyKeep, referenceKeep);
  }

  private NDArray embed(ParameterStore ps, NDArray ids, boolean training) {
    return Embeddings.lookup(embedding, ps, ids, training);
  }

  /**
   * A ratio for every row: a Number (the whole batch) or a double[] (one per row) in the
   * parameters, or an input array (B) named {@code key} (how a DJL Predictor passes them).
   */
  private static double[] param(
      PairList<String, Object> params, NDList inputs, String key, double fallback, int rows) {
    Object v = params == null ? null : params.get(key);
    if (v == null && inputs.contains(key)) {
      v = inputs.get(key).toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
    }
    if (v instanceof double[] perRow) {
      if (perRow.length != rows) {
        throw new IllegalArgumentException(
            key + " has " + perRow.length + " values for " + rows + " rows");
      }
      return perRow;
    }
    double[] all = new double[rows];
    java.util.Arrays.fill(all, v == null ? fallback : ((Number) v).doubleValue());
    return all;
  }

  /**
   * Mean cross-entropy of the target tokens (B, L) under the logits (B, L, K): the SFT loss (Eq.
   * 9).
   */
  public static NDArray reconstructionLoss(NDArray logits, NDArray targets) {
    return sequenceLogLikelihood(logits, targets).neg().div(targets.getShape().get(1)).mean();
  }

  /** log p(target sequence) per sample (B): sum over the independently predicted positions. */
  public static NDArray sequenceLogLikelihood(NDArray logits, NDArray targets) {
    NDArray logp = logits.logSoftmax(2); // (B, L, K)
    NDArray oneHot = targets.oneHot((int) logits.getShape().get(2), DataType.FLOAT32); // (B, L, K)
    return logp.mul(oneHot).sum(new int[] {1, 2}); // (B)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long b = inputShapes[0].get(0);
    return new Shape[] {
      personalization
          .getOutputShapes(new Shape[] {new Shape(b, inputShapes[0].get(1), config.width())})[0],
      inputShapes[0],
      inputShapes[2]
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long b = inputShapes[0].get(0);
    long th = inputShapes[0].get(1);
    long c = config.width();
    embedding.initialize(manager, dataType, inputShapes[0]);
    maskGenerator.initialize(manager, dataType, new Shape(b, th, c), new Shape(b, tokens, c));
    personalization.initialize(
        manager,
        dataType,
        new Shape(b, th, c),
        inputShapes[3],
        new Shape(b, tokens),
        inputShapes[4]);
  }
}
