package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The trainable part of Pigeon: visual token embeddings E_i (the tokenizer's K codes and a [MASK]
 * id, K), the {@link MaskGenerator} and the {@link PersonalizationModule}. The (frozen) tokenizer
 * turns images into tokens before and tokens into the image after.
 *
 * <p>Each history image is read as its token grid average-pooled to a few cells, each cell plus the
 * image's style feature (the taste encoder's embedding through an adapter: the history's high-level
 * visual feature, as the paper gives the reference's), so that both the mask generator and the
 * personalization module see which style an image is in. The reference's tokens get its own style
 * feature the same way, so the model sees what to change.
 *
 * <p>Inputs, by name (see {@link PigeonInputs}): {@code history} (B, N*L) int32, {@code
 * historyValid} (B, N*L), {@code historyStyle} (B, N, S), {@code reference} (B, L) int32, {@code
 * referenceStyle} (B, S), {@code text} (B, T) int32; optionally {@code historyKeep} (B, N*L), a
 * history mask chosen earlier by this mask generator; {@code target} (B, L) int32, the target
 * tokens with [MASK] where unknown (training and scoring: the output is then the logits); {@code
 * uniform} (B, S, L, 2), the random numbers of a sampled decoding. Ratios {@code alphaH} and {@code
 * alphaR}: parameters (a Double, or a double[] per row) or float64 input arrays (B) of those names.
 *
 * <p>Outputs: logits (B, L, K) when a target is given, else the decoded tokens (B, L) int32
 * (iterative parallel decoding, MaskGIT); then history keep weights (B, N*P) over the pooled
 * history tokens and reference keep (B, L).
 */
public final class PigeonNet extends AbstractBlock {

  public static final String HISTORY = "history";
  public static final String HISTORY_VALID = "historyValid";
  public static final String HISTORY_STYLE = "historyStyle";
  public static final String REFERENCE = "reference";
  public static final String REFERENCE_STYLE = "referenceStyle";
  public static final String TEXT = "text";
  public static final String HISTORY_KEEP = "historyKeep";
  public static final String TARGET = "target";
  public static final String UNIFORM = "uniform";
  public static final String ALPHA_H = "alphaH";
  public static final String ALPHA_R = "alphaR";

  /**
   * Parameter or input: when present, run the mask generator only (output 0 is then not logits).
   */
  public static final String MASK_ONLY = "maskOnly";

  private final PigeonConfig config;
  private final int tokens;
  private final int grid;
  private final int codebookSize;
  private final IdEmbedding embedding;
  private final Linear styleAdapter;
  private final MaskGenerator maskGenerator;
  private final PersonalizationModule personalization;

  /**
   * @param grid the tokenizer's grid side (L = grid * grid tokens per image)
   */
  public PigeonNet(PigeonConfig config, int grid, int codebookSize) {
    if (grid % config.historyGrid() != 0) {
      throw new IllegalArgumentException(
          "history grid " + config.historyGrid() + " must divide the token grid " + grid);
    }
    this.config = config;
    this.grid = grid;
    this.tokens = grid * grid;
    this.codebookSize = codebookSize;
    int pooled = historyTokens(config);
    embedding =
        addChildBlock(
            "embedding",
            new IdEmbedding.Builder()
                .setDictionarySize(codebookSize + 1)
                .setEmbeddingSize(config.width())
                .build());
    styleAdapter = addChildBlock("styleAdapter", Linear.builder().setUnits(config.width()).build());
    maskGenerator =
        addChildBlock(
            "maskGenerator",
            new MaskGenerator(config.width(), config.heads(), config.maskLayers(), pooled, tokens));
    personalization =
        addChildBlock(
            "personalization", new PersonalizationModule(config, tokens, pooled, codebookSize));
  }

  /** P: tokens per pooled history image. */
  public static int historyTokens(PigeonConfig config) {
    return config.historyGrid() * config.historyGrid();
  }

  public PigeonConfig config() {
    return config;
  }

  /** The [MASK] token id: one past the codebook. */
  public int maskId() {
    return codebookSize;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray historyTokens = inputs.get(HISTORY); // (B, N*L)
    NDArray historyValid = inputs.get(HISTORY_VALID); // (B, N*L)
    NDArray referenceTokens = inputs.get(REFERENCE); // (B, L)
    NDArray text = inputs.get(TEXT); // (B, T)
    int b = (int) historyTokens.getShape().get(0);
    double[] alphaH = param(params, inputs, ALPHA_H, config.alphaH(), b);
    double[] alphaR = param(params, inputs, ALPHA_R, 0.0, b);
    boolean maskOnly =
        (params != null && Boolean.TRUE.equals(params.get(MASK_ONLY)))
            || inputs.contains(MASK_ONLY);

    NDArray eh = pool(embed(ps, historyTokens, training).mul(historyValid.expandDims(2)));
    NDArray valid =
        pool(historyValid.expandDims(2)).squeeze(2).gt(0.5f).toType(DataType.FLOAT32, false);
    NDArray er =
        embed(ps, referenceTokens, training)
            .add(
                styleAdapter
                    .forward(ps, new NDList(inputs.get(REFERENCE_STYLE)), training)
                    .singletonOrThrow()
                    .expandDims(1)); // (B, L, C)
    NDArray scores =
        maskGenerator.forward(ps, new NDList(eh, er), training).singletonOrThrow(); // (B, N*P+L)
    int th = (int) eh.getShape().get(1);
    NDArray historyKeep =
        inputs.contains(HISTORY_KEEP)
            ? pool(inputs.get(HISTORY_KEEP).expandDims(2)).squeeze(2) // masked earlier
            : MaskGenerator.historyKeep(
                scores.get(":, :" + th), valid, alphaH, config.gumbelTemperature(), training);
    NDArray referenceKeep =
        MaskGenerator.referenceKeep(scores.get(":, " + th + ":"), alphaR, training);
    if (maskOnly) {
      return new NDList(historyKeep, historyKeep, referenceKeep); // no logits: masks only
    }
    // Eq. 4: masked history embeddings, scaled by the straight-through keep weights so that the
    // reconstruction loss reaches the mask generator
    NDArray masked = eh.mul(historyKeep.expandDims(2)); // (B, N*P, C)
    if (inputs.contains(TARGET)) {
      NDArray logits = logits(ps, masked, er, referenceKeep, inputs.get(TARGET), text, training);
      return new NDList(logits, historyKeep, referenceKeep);
    }
    NDArray uniform = inputs.contains(UNIFORM) ? inputs.get(UNIFORM) : null;
    NDArray decoded = decode(ps, masked, er, referenceKeep, text, uniform);
    return new NDList(decoded, historyKeep, referenceKeep);
  }

  private NDArray logits(
      ParameterStore ps,
      NDArray history,
      NDArray reference,
      NDArray referenceKeep,
      NDArray target,
      NDArray text,
      boolean training) {
    return personalization
        .forward(
            ps,
            new NDList(history, reference, referenceKeep, embed(ps, target, training), text),
            training)
        .singletonOrThrow(); // (B, L, K)
  }

  /**
   * Iterative parallel decoding (MaskGIT, Chang et al. 2022): all L tokens start masked; each of S
   * steps predicts every masked token at once, keeps the most confident and masks the rest again,
   * so that after step s only L cos(pi/2 (s+1)/S) remain masked. With {@code uniform} and a
   * positive temperature the tokens are sampled (inverse CDF) and the confidence gets annealed
   * Gumbel noise, so that differently seeded rows give different candidates; otherwise it is
   * deterministic.
   */
  private NDArray decode(
      ParameterStore ps,
      NDArray history,
      NDArray reference,
      NDArray referenceKeep,
      NDArray text,
      NDArray uniform) {
    NDManager m = history.getManager();
    long b = history.getShape().get(0);
    int steps = config.decodeSteps();
    float temperature = config.temperature();
    boolean sample = uniform != null && temperature > 0;
    NDArray current = m.full(new Shape(b, tokens), (float) codebookSize); // float ids
    NDArray known = m.zeros(new Shape(b, tokens));
    for (int s = 0; s < steps; s++) {
      NDArray logits =
          logits(
              ps,
              history,
              reference,
              referenceKeep,
              current.toType(DataType.INT32, false),
              text,
              false);
      NDArray logp = logits.logSoftmax(2); // (B, L, K)
      NDArray chosen;
      if (sample) {
        NDArray u = uniform.get(":, " + s + ", :, 0"); // (B, L)
        NDArray cdf = logits.div(temperature).softmax(2).cumSum(2);
        chosen =
            cdf.lt(u.expandDims(2))
                .toType(DataType.FLOAT32, false)
                .sum(new int[] {2})
                .minimum((float) (codebookSize - 1)); // (B, L)
      } else {
        chosen = logits.argMax(2).toType(DataType.FLOAT32, false); // (B, L)
      }
      NDArray confidence =
          logp.gather(chosen.toType(DataType.INT64, false).expandDims(2), 2).squeeze(2); // (B, L)
      if (sample) {
        float anneal = temperature * (1f - (s + 1f) / steps);
        NDArray g = uniform.get(":, " + s + ", :, 1").log().neg().log().neg(); // Gumbel(0, 1)
        confidence = confidence.add(g.mul(anneal));
      }
      NDArray unknown = known.neg().add(1f);
      chosen = current.mul(known).add(chosen.mul(unknown));
      confidence = confidence.add(known.mul(1e9f));
      int stillMasked = (int) Math.floor(tokens * Math.cos(Math.PI / 2 * (s + 1) / steps));
      NDArray rank = confidence.argSort(1, true).argSort(1, true); // 0 = least confident
      NDArray remask = rank.lt(stillMasked).toType(DataType.FLOAT32, false);
      known = remask.neg().add(1f);
      current = chosen.mul(known).add(remask.mul((float) codebookSize));
    }
    return current.toType(DataType.INT32, false); // (B, L)
  }

  /**
   * Each image's style feature (B, N, S) through the adapter, once per pooled cell: (B, N*P, C).
   */
  private NDArray styleOfCells(ParameterStore ps, NDArray style, boolean training) {
    NDArray s = styleAdapter.forward(ps, new NDList(style), training).singletonOrThrow();
    long b = s.getShape().get(0);
    long n = s.getShape().get(1);
    int p = historyTokens(config);
    return s.expandDims(2).repeat(2, p).reshape(b, n * p, config.width());
  }

  /**
   * Each history image's token grid (B, N*L, C) average-pooled to historyGrid x historyGrid cells:
   * (B, N*P, C).
   */
  private NDArray pool(NDArray x) {
    long b = x.getShape().get(0);
    long c = x.getShape().get(2);
    long n = x.getShape().get(1) / tokens;
    int g = config.historyGrid();
    int cell = grid / g;
    return x.reshape(b, n, g, cell, g, cell, c)
        .mean(new int[] {5})
        .mean(new int[] {3})
        .reshape(b, n * g * g, c);
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
      v = inputs.get(key).toType(DataType.FLOAT64, false).toDoubleArray();
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
   * The masked-token loss (Eq. 9 on the slots MaskGIT masked): cross-entropy of the target tokens
   * (B, L) under the logits (B, L, K), averaged over the positions where {@code weights} (B, L) is
   * 1.
   */
  public static NDArray reconstructionLoss(NDArray logits, NDArray targets, NDArray weights) {
    return tokenLogLikelihood(logits, targets)
        .mul(weights)
        .sum()
        .neg()
        .div(weights.sum().maximum(1f));
  }

  /** log p of each target token (B, L) under the logits (B, L, K). */
  public static NDArray tokenLogLikelihood(NDArray logits, NDArray targets) {
    NDArray logp = logits.logSoftmax(2); // (B, L, K)
    NDArray oneHot = targets.oneHot((int) logits.getShape().get(2), DataType.FLOAT32); // (B, L, K)
    return logp.mul(oneHot).sum(new int[] {2}); // (B, L)
  }

  /**
   * log p(target tokens) per sample (B): the sum, over the positions where {@code weights} is 1, of
   * each token's log-probability when those positions are masked (the parallel decoder's
   * masked-token likelihood).
   */
  public static NDArray sequenceLogLikelihood(NDArray logits, NDArray targets, NDArray weights) {
    return tokenLogLikelihood(logits, targets).mul(weights).sum(new int[] {1}); // (B)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long b = inputShapes[0].get(0);
    long pooled = inputShapes[0].get(1) / tokens * historyTokens(config);
    return new Shape[] {
      new Shape(b, tokens, codebookSize), new Shape(b, pooled), new Shape(b, tokens)
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long b = inputShapes[0].get(0);
    long pooled = inputShapes[0].get(1) / tokens * historyTokens(config);
    long c = config.width();
    embedding.initialize(manager, dataType, inputShapes[0]);
    styleAdapter.initialize(manager, dataType, inputShapes[2]);
    maskGenerator.initialize(manager, dataType, new Shape(b, pooled, c), new Shape(b, tokens, c));
    personalization.initialize(
        manager,
        dataType,
        new Shape(b, pooled, c),
        new Shape(b, tokens, c),
        new Shape(b, tokens),
        new Shape(b, tokens, c),
        inputShapes[5]);
  }
}
