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
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Pigeon's personalization module (§2.2.2) as a masked-token (MaskGIT) transformer. The hybrid
 * prompt is the masked history (pooled token embeddings), the caption's word tokens and one slot
 * per target token. Slot j holds what is known of target token j (its embedding, or the [MASK]
 * embedding) plus the reference's token j through an adapter (or a learned "masked reference"
 * vector where the dual-phase mask removed it) plus its position: the reference is position-aligned
 * with the target, so the model can copy its shape place by place and redraw it in the style the
 * history shows. A bidirectional transformer predicts every slot's token; the decoding fills the
 * masked slots in a few steps.
 *
 * <p>Inputs: masked history (B, N*P, C), reference embeddings (B, L, C), reference keep (B, L),
 * target embeddings (B, L, C), text tokens (B, T) int32 (0 = padding). Output: logits (B, L, K).
 */
public final class PersonalizationModule extends AbstractBlock {

  static final int HISTORY = 0;
  static final int TEXT = 1;
  static final int TARGET = 2;

  private final int targets;
  private final int historyTokens;
  private final int codebookSize;
  private final IdEmbedding segment;
  private final IdEmbedding text;
  private final IdEmbedding position;
  private final IdEmbedding historyPosition;
  private final IdEmbedding maskedReference;
  private final Linear adapter;
  private final List<TransformerEncoderBlock> layers = new ArrayList<>();
  private final LayerNorm norm;
  private final Linear head;

  /**
   * @param targets L, tokens per image
   * @param historyTokens P, tokens per pooled history image
   */
  public PersonalizationModule(
      PigeonConfig config, int targets, int historyTokens, int codebookSize) {
    this.targets = targets;
    this.historyTokens = historyTokens;
    this.codebookSize = codebookSize;
    int c = config.width();
    segment = addChildBlock("segment", embedding(3, c));
    text = addChildBlock("text", embedding(config.textVocabulary(), c));
    position = addChildBlock("position", embedding(targets, c));
    historyPosition = addChildBlock("historyPosition", embedding(historyTokens, c));
    maskedReference = addChildBlock("maskedReference", embedding(1, c));
    adapter = addChildBlock("adapter", Linear.builder().setUnits(c).build());
    for (int i = 0; i < config.layers(); i++) {
      layers.add(
          addChildBlock(
              "layer" + i,
              new TransformerEncoderBlock(c, config.heads(), 4 * c, 0.1f, Activation::gelu)));
    }
    norm = addChildBlock("norm", LayerNorm.builder().build());
    head = addChildBlock("head", Linear.builder().setUnits(codebookSize).build());
  }

  private static IdEmbedding embedding(int size, int width) {
    return new IdEmbedding.Builder().setDictionarySize(size).setEmbeddingSize(width).build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray history = inputs.get(0); // (B, N*P, C)
    NDArray reference = inputs.get(1); // (B, L, C)
    NDArray referenceKeep = inputs.get(2).expandDims(2); // (B, L, 1)
    NDArray target = inputs.get(3); // (B, L, C)
    NDArray textTokens = inputs.get(4); // (B, T)
    NDManager m = history.getManager();
    int th = (int) history.getShape().get(1);

    NDArray adapted = adapter.forward(ps, new NDList(reference), training).singletonOrThrow();
    NDArray masked = Embeddings.lookup(maskedReference, ps, m.create(new int[] {0}), training);
    NDArray slots =
        target
            .add(adapted.mul(referenceKeep))
            .add(masked.expandDims(0).mul(referenceKeep.neg().add(1f)))
            .add(Embeddings.lookup(position, ps, m.arange(targets), training).expandDims(0));
    int[] historyPositions = new int[th];
    for (int i = 0; i < th; i++) {
      historyPositions[i] = i % historyTokens;
    }
    NDArray h =
        history.add(
            Embeddings.lookup(historyPosition, ps, m.create(historyPositions), training)
                .expandDims(0));
    NDArray words = Embeddings.lookup(text, ps, textTokens, training); // (B, T, C)
    NDArray prompt =
        NDArrays.concat(
            new NDList(
                h.add(segmentOf(ps, HISTORY, m, training)),
                words.add(segmentOf(ps, TEXT, m, training)),
                slots.add(segmentOf(ps, TARGET, m, training))),
            1); // (B, N*P + T + L, C)
    NDArray z = prompt;
    for (TransformerEncoderBlock layer : layers) {
      z = layer.forward(ps, new NDList(z), training).singletonOrThrow();
    }
    long total = z.getShape().get(1);
    NDArray out = z.get(":, " + (total - targets) + ":, :"); // (B, L, C): the slots
    out = norm.forward(ps, new NDList(out), training).singletonOrThrow();
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
    long t = inputShapes[0].get(1) + inputShapes[4].get(1) + targets;
    segment.initialize(manager, dataType, new Shape(1));
    text.initialize(manager, dataType, inputShapes[4]);
    position.initialize(manager, dataType, new Shape(targets));
    historyPosition.initialize(manager, dataType, new Shape(1));
    maskedReference.initialize(manager, dataType, new Shape(1));
    adapter.initialize(manager, dataType, new Shape(b, targets, c));
    for (TransformerEncoderBlock layer : layers) {
      layer.initialize(manager, dataType, new Shape(b, t, c));
    }
    norm.initialize(manager, dataType, new Shape(b, targets, c));
    head.initialize(manager, dataType, new Shape(b, targets, c));
  }
}
