package io.pigeonstreams.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained Pigeon network with its tokenizer: history and reference images in, personalized image
 * out. Tokens are predicted in one parallel pass (argmax per position). Owns both models.
 */
public final class PigeonModel implements AutoCloseable {

  private final PigeonTokenizer tokenizer;
  private final Model model;
  private final PigeonNet net;
  private final float[] codebook;
  private final int historySize;

  private PigeonModel(PigeonTokenizer tokenizer, Model model, PigeonNet net, int historySize) {
    this.tokenizer = tokenizer;
    this.model = model;
    this.net = net;
    this.codebook = tokenizer.normalizedCodebook();
    this.historySize = historySize;
  }

  /** Loads {@code dir/<name>-0000.params} and the tokenizer beside it. */
  public static PigeonModel load(
      Path dir, String name, PigeonConfig config, TokenizerConfig tokenizerConfig, int historySize)
      throws IOException {
    Path params = dir.resolve(name + "-0000.params");
    if (!Files.isRegularFile(params)) {
      throw new IOException(
          "model weights missing: " + params + " (run from the repository root, or train them)");
    }
    PigeonTokenizer tokenizer = PigeonTokenizer.load(dir, tokenizerConfig);
    Model model = Model.newInstance(name);
    PigeonNet net =
        new PigeonNet(config, TokenizerConfig.TOKENS, tokenizer.config().codebookSize());
    model.setBlock(net);
    net.initialize(
        model.getNDManager(),
        DataType.FLOAT32,
        PigeonInputs.shapes(historySize, tokenizer.config().codeDim(), config));
    try {
      model.load(dir, name);
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      tokenizer.close();
      throw new IOException("cannot load " + params + ": " + e.getMessage(), e);
    }
    return new PigeonModel(tokenizer, model, net, historySize);
  }

  /**
   * @param histories each prompt's history images (chronological), at most N used
   * @param references reference images
   * @param captions the references' captions
   */
  public List<float[]> generate(
      List<List<float[]>> histories,
      List<float[]> references,
      List<String> captions,
      double alphaH,
      double alphaR) {
    List<int[]> referenceTokens = tokenizer.tokenize(references);
    List<PigeonInputs.Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < references.size(); i++) {
      List<float[]> h = histories.get(i);
      List<int[]> ht = h.isEmpty() ? List.of() : tokenizer.tokenize(h);
      prompts.add(new PigeonInputs.Prompt(ht, referenceTokens.get(i), captions.get(i)));
    }
    List<int[]> generated = new ArrayList<>();
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDList in =
          PigeonInputs.build(
              m, prompts, historySize, codebook, tokenizer.config().codeDim(), net.config());
      PairList<String, Object> alphas = new PairList<>();
      alphas.add(PigeonNet.ALPHA_H, alphaH);
      alphas.add(PigeonNet.ALPHA_R, alphaR);
      NDArray logits =
          net.forward(new ParameterStore(m, false), in, false, alphas).get(0); // (B, L, K)
      long[] best = logits.argMax(2).toLongArray(); // (B, L)
      for (int i = 0; i < prompts.size(); i++) {
        int[] t = new int[TokenizerConfig.TOKENS];
        for (int j = 0; j < t.length; j++) {
          t[j] = (int) best[i * TokenizerConfig.TOKENS + j];
        }
        generated.add(t);
      }
    }
    return tokenizer.decode(generated);
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
