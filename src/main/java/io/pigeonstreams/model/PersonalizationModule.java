package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Pigeon's personalization module (§2.2.2) with parallel decoding: the hybrid prompt — masked
 * history token embeddings, the reference's high-level visual feature (the codebook vectors the
 * decoder reads, average-pooled over the kept reference tokens, through an adapter) and the
 * caption's word tokens — followed by one query per target token, through a bidirectional
 * transformer; each query predicts its target visual token. All 16 targets come out in one pass
 * (factorized), so the sequence log-likelihood DPO needs is a sum over the 16 positions.
 *
 * <p>Inputs: masked history (B, N*L, C), reference codes (B, L, D), reference keep (B, L), text
 * tokens (B, T) int32 (0 = padding). Output: logits (B, L, K).
 */
public final class PersonalizationModule extends AbstractBlock {

  static final int HISTORY = 0;
  static final int REFERENCE = 1;
  static final int TEXT = 2;
  static final int QUERY = 3;

  private final int targets;
  private final int codebookSize;
  private final IdEmbedding segment;
  private final IdEmbedding text;
  private final IdEmbedding query;
  private final Linear adapter;
  private final List<TransformerEncoderBlock> layers = new ArrayList<>();
  private final Linear head;

  public PersonalizationModule(PigeonConfig config, int targets, int codebookSize) {
    this.targets = targets;
    this.codebookSize = codebookSize;
    int c = config.width();
    segment = addChildBlock("segment", embedding(4, c));
    text = addChildBlock("text", embedding(config.textVocabulary(), c));
    query = addChildBlock("query", embedding(targets, c));
    adapter = addChildBlock("adapter", Linear.builder().setUnits(c).build());
    for (int i = 0; i < config.layers(); i++) {
      layers.add(
          addChildBlock(
              "layer" + i,
              new TransformerEncoderBlock(c, config.heads(), 4 * c, 0.1f, Activation::gelu)));
    }
    head = addChildBlock("head", Linear.builder().setUnits(codebookSize).build());
  }

  private static IdEmbedding embedding(int size, int width) {
    return new IdEmbedding.Builder().setDictionarySize(size).setEmbeddingSize(width).build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray history = inputs.get(0); // (B, N*L, C)
    NDArray referenceCodes = inputs.get(1); // (B, L, D)
    NDArray referenceKeep = inputs.get(2); // (B, L)
    NDArray textTokens = inputs.get(3); // (B, T)
    NDManager m = history.getManager();
    long b = history.getShape().get(0);

    // the reference's visual feature: mean of its kept code vectors, through the adapter
    NDArray kept = referenceCodes.mul(referenceKeep.expandDims(2)).sum(new int[] {1}); // (B, D)
    NDArray count = referenceKeep.sum(new int[] {1}, true).maximum(1f); // (B, 1)
    NDArray visual =
        adapter.forward(ps, new NDList(kept.div(count)), training).singletonOrThrow().expandDims(1);
    NDArray words = Embeddings.lookup(text, ps, textTokens, training); // (B, T, C)
    int[] positions = new int[targets];
    for (int i = 0; i < targets; i++) {
      positions[i] = i;
    }
    NDArray queries =
        Embeddings.lookup(query, ps, m.create(positions), training)
            .expandDims(0)
            .repeat(0, b); // (B, L, C)

    NDArray prompt =
        NDArrays.concat(
            new NDList(
                history.add(segmentOf(ps, HISTORY, m, training)),
                visual.add(segmentOf(ps, REFERENCE, m, training)),
                words.add(segmentOf(ps, TEXT, m, training)),
                queries.add(segmentOf(ps, QUERY, m, training))),
            1); // (B, N*L + 1 + T + L, C)
    NDArray h = prompt;
    for (TransformerEncoderBlock layer : layers) {
      h = layer.forward(ps, new NDList(h), training).singletonOrThrow();
    }
    long total = h.getShape().get(1);
    NDArray out = h.get(":, " + (total - targets) + ":, :"); // (B, L, C): the queries
    return head.forward(ps, new NDList(out), training); // (B, L, K)
  }

  private NDArray segmentOf(ParameterStore ps, int kind, NDManager m, boolean training) {
    return Embeddings.lookup(segment, ps, m.create(new int[] {kind}), training); // (1, C)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), targets, codebookSize)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long b = inputShapes[0].get(0);
    long c = inputShapes[0].get(2);
    long d = inputShapes[1].get(2);
    long t = inputShapes[0].get(1) + 1 + inputShapes[3].get(1) + targets;
    segment.initialize(manager, dataType, new Shape(1));
    text.initialize(manager, dataType, inputShapes[3]);
    query.initialize(manager, dataType, new Shape(targets));
    adapter.initialize(manager, dataType, new Shape(b, d));
    for (TransformerEncoderBlock layer : layers) {
      layer.initialize(manager, dataType, new Shape(b, t, c));
    }
    head.initialize(manager, dataType, new Shape(b, targets, c));
  }
}
