package io.pigeonstreams.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
  private final PigeonPredictor predictor;

  private PigeonModel(PigeonTokenizer tokenizer, Model model, PigeonNet net, int historySize) {
    this.tokenizer = tokenizer;
    this.model = model;
    this.net = net;
    this.codebook = tokenizer.normalizedCodebook();
    this.historySize = historySize;
    this.predictor =
        new PigeonPredictor(
            model, historySize, codebook, tokenizer.config().codeDim(), net.config());
  }

  /**
   * Loads the checkpoint {@code name} from {@code dir} ({@code <name>-fp16.ndlist}, or DJL's {@code
   * <name>-0000.params}) and the tokenizer beside it.
   */
  public static PigeonModel load(
      Path dir, String name, PigeonConfig config, TokenizerConfig tokenizerConfig, int historySize)
      throws IOException {
    return load(dir, name, config, tokenizerConfig, historySize, null);
  }

  /**
   * @param device where to run (null: DJL's default, a GPU when there is one)
   */
  public static PigeonModel load(
      Path dir,
      String name,
      PigeonConfig config,
      TokenizerConfig tokenizerConfig,
      int historySize,
      ai.djl.Device device)
      throws IOException {
    Path weights = weightsFile(dir, name);
    PigeonTokenizer tokenizer = PigeonTokenizer.load(dir, tokenizerConfig, device);
    Model model = Model.newInstance(name, device);
    PigeonNet net =
        new PigeonNet(config, TokenizerConfig.TOKENS, tokenizer.config().codebookSize());
    model.setBlock(net);
    try {
      loadWeights(model, net, dir, name, historySize, tokenizer.config().codeDim());
    } catch (IOException | RuntimeException e) {
      model.close();
      tokenizer.close();
      throw new IOException("cannot load " + weights + ": " + e.getMessage(), e);
    }
    return new PigeonModel(tokenizer, model, net, historySize);
  }

  /**
   * The checkpoint's weights file: the float16 one when present, else DJL's .params.
   *
   * @throws IOException when neither exists
   */
  public static Path weightsFile(Path dir, String name) throws IOException {
    Path half = HalfWeights.file(dir, name);
    if (Files.isRegularFile(half)) {
      return half;
    }
    Path params = dir.resolve(name + "-0000.params");
    if (Files.isRegularFile(params)) {
      return params;
    }
    throw new IOException(
        "model weights missing: " + half + " (run from the repository root, or train them)");
  }

  /** The first 12 hex digits of a file's SHA-256: names a set of weights in versions and keys. */
  public static String digest(Path file) throws IOException {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)))
          .substring(0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Initializes the net in the model and loads the checkpoint's weights into it. */
  public static void loadWeights(
      Model model, PigeonNet net, Path dir, String name, int historySize, int codeDim)
      throws IOException {
    net.initialize(
        model.getNDManager(),
        DataType.FLOAT32,
        PigeonInputs.shapes(historySize, codeDim, net.config()));
    Path weights = weightsFile(dir, name);
    if (weights.getFileName().toString().endsWith(".ndlist")) {
      HalfWeights.load(net, weights);
    } else {
      try {
        model.load(dir, name);
      } catch (MalformedModelException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  public PigeonTokenizer tokenizer() {
    return tokenizer;
  }

  public PigeonConfig config() {
    return net.config();
  }

  /** Where the model runs. */
  public ai.djl.Device device() {
    return model.getNDManager().getDevice();
  }

  /** DJL predictors made so far: one per thread that has run inference. */
  int predictors() {
    return predictor.predictors();
  }

  /** History images kept per prompt (N). */
  public int historySize() {
    return historySize;
  }

  /**
   * @param histories each prompt's history images (the network reads them as a set: no order), at
   *     most N used
   * @param references reference images
   * @param captions the references' captions
   */
  public List<float[]> generate(
      List<List<float[]>> histories,
      List<float[]> references,
      List<String> captions,
      double alphaH,
      double alphaR) {
    List<PigeonInputs.Prompt> prompts = prompts(histories, references, captions);
    return tokenizer.decode(
        generateTokens(prompts, fill(prompts.size(), alphaH), fill(prompts.size(), alphaR)));
  }

  /** Tokenizes the images of each prompt (one tokenizer pass for the whole batch). */
  public List<PigeonInputs.Prompt> prompts(
      List<List<float[]>> histories, List<float[]> references, List<String> captions) {
    List<float[]> all = new ArrayList<>(references);
    for (List<float[]> h : histories) {
      all.addAll(h.subList(0, Math.min(historySize, h.size())));
    }
    List<int[]> tokens = tokenizer.tokenize(all);
    int next = references.size();
    List<PigeonInputs.Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < references.size(); i++) {
      int n = Math.min(historySize, histories.get(i).size());
      prompts.add(
          new PigeonInputs.Prompt(
              List.copyOf(tokens.subList(next, next + n)), tokens.get(i), captions.get(i)));
      next += n;
    }
    return prompts;
  }

  /**
   * Argmax visual tokens (one parallel pass) for each prompt at its own alpha_h and alpha_r, on
   * this thread's predictor.
   */
  public List<int[]> generateTokens(
      List<PigeonInputs.Prompt> prompts, double[] alphaH, double[] alphaR) {
    long[] best =
        predictor.predict(new PigeonPredictor.Batch(prompts, alphaH, alphaR, false)).tokens();
    List<int[]> generated = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      int[] t = new int[TokenizerConfig.TOKENS];
      for (int j = 0; j < t.length; j++) {
        t[j] = (int) best[i * TokenizerConfig.TOKENS + j];
      }
      generated.add(t);
    }
    return generated;
  }

  /**
   * The mask generator alone (Eq. 2–4, inference): for each prompt, per history image (at most N),
   * which of its tokens are masked at the prompt's alpha_h.
   */
  public List<List<boolean[]>> maskHistory(List<PigeonInputs.Prompt> prompts, double[] alphaH) {
    List<List<boolean[]>> out = new ArrayList<>();
    float[] keep =
        predictor
            .predict(new PigeonPredictor.Batch(prompts, alphaH, new double[prompts.size()], true))
            .historyKeep(); // (B, N*L)
    int l = TokenizerConfig.TOKENS;
    for (int i = 0; i < prompts.size(); i++) {
      List<boolean[]> masked = new ArrayList<>();
      List<int[]> history = prompts.get(i).history();
      for (int n = 0; n < Math.min(historySize, history.size()); n++) {
        boolean[] m = new boolean[history.get(n).length];
        for (int j = 0; j < l; j++) {
          m[j] = keep[(i * historySize + n) * l + j] < 0.5f;
        }
        masked.add(m);
      }
      out.add(masked);
    }
    return out;
  }

  /** log p(target tokens | prompt) per prompt, at inference masks: what DPO's reference gives. */
  public double[] logLikelihood(
      List<PigeonInputs.Prompt> prompts, List<int[]> targets, double alphaH, double alphaR) {
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDArray logits =
          logits(m, prompts, fill(prompts.size(), alphaH), fill(prompts.size(), alphaR));
      NDArray y = m.create(flatten(targets), new Shape(targets.size(), TokenizerConfig.TOKENS));
      float[] ll = PigeonNet.sequenceLogLikelihood(logits, y).toFloatArray(); // (B)
      double[] out = new double[ll.length];
      for (int i = 0; i < ll.length; i++) {
        out[i] = ll[i];
      }
      return out;
    }
  }

  private NDArray logits(
      NDManager m, List<PigeonInputs.Prompt> prompts, double[] alphaH, double[] alphaR) {
    NDList in =
        PigeonInputs.build(
            m, prompts, historySize, codebook, tokenizer.config().codeDim(), net.config());
    PairList<String, Object> alphas = new PairList<>();
    alphas.add(PigeonNet.ALPHA_H, alphaH);
    alphas.add(PigeonNet.ALPHA_R, alphaR);
    return net.forward(new ParameterStore(m, false), in, false, alphas).get(0); // (B, L, K)
  }

  /** Token sequences (each L) -> one row-major int array (B * L). */
  public static int[] flatten(List<int[]> tokens) {
    int[] flat = new int[tokens.size() * TokenizerConfig.TOKENS];
    for (int i = 0; i < tokens.size(); i++) {
      System.arraycopy(tokens.get(i), 0, flat, i * TokenizerConfig.TOKENS, TokenizerConfig.TOKENS);
    }
    return flat;
  }

  public static double[] fill(int n, double value) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, value);
    return a;
  }

  @Override
  public void close() {
    predictor.close();
    model.close();
    tokenizer.close();
  }
}
