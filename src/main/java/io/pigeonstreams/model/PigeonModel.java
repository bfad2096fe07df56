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
 * out. Tokens are decoded in a few parallel steps (MaskGIT). Owns both models.
 */
public final class PigeonModel implements AutoCloseable {

  private final PigeonTokenizer tokenizer;
  private final Model model;
  private final PigeonNet net;

  /** Rows per network call: bounds the memory of a decoding (L x K logits per row and step). */
  public static final int MAX_ROWS = 64;

  private final int tokens;
  private final int historySize;
  private final PigeonPredictor predictor;
  private final StyleEncoder taste;
  private final EmbeddingCache styleCache = new EmbeddingCache(20_000);

  private PigeonModel(
      PigeonTokenizer tokenizer, StyleEncoder taste, Model model, PigeonNet net, int historySize) {
    this.tokenizer = tokenizer;
    this.taste = taste;
    this.model = model;
    this.net = net;
    this.tokens = tokenizer.config().tokens();
    this.historySize = historySize;
    this.predictor = new PigeonPredictor(model, historySize, tokens, net.config());
  }

  /**
   * Loads the checkpoint {@code name} from {@code dir} ({@code <name>-fp16.ndlist}, or DJL's {@code
   * <name>-0000.params}) and the tokenizer and taste encoder beside it.
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
    PigeonTokenizer tokenizer =
        PigeonTokenizer.load(dir, tokenizerName(tokenizerConfig), tokenizerConfig, device);
    StyleEncoder taste;
    try {
      taste = StyleEncoder.load(dir, device);
    } catch (IOException | RuntimeException e) {
      tokenizer.close();
      throw e;
    }
    Model model = Model.newInstance(name, device);
    PigeonNet net =
        new PigeonNet(config, tokenizer.config().grid(), tokenizer.config().codebookSize());
    model.setBlock(net);
    try {
      loadWeights(model, net, dir, name, historySize, tokenizer.config().tokens());
    } catch (IOException | RuntimeException e) {
      model.close();
      tokenizer.close();
      taste.close();
      throw new IOException("cannot load " + weights + ": " + e.getMessage(), e);
    }
    return new PigeonModel(tokenizer, taste, model, net, historySize);
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

  /**
   * The files a checkpoint runs with, beside its own weights in its folder: tokenizer v2 and the
   * taste encoder (what a model version copies along).
   */
  public static final List<String> COMPANION_FILES =
      List.of(PigeonTokenizer.NAME_V2 + "-0000.params", StyleEncoder.NAME + "-0000.params");

  /** The weights' name of the tokenizer with these sizes. */
  public static String tokenizerName(TokenizerConfig config) {
    return config.isFsq() ? PigeonTokenizer.NAME_V2 : PigeonTokenizer.NAME;
  }

  /** Initializes the net in the model and loads the checkpoint's weights into it. */
  public static void loadWeights(
      Model model, PigeonNet net, Path dir, String name, int historySize, int tokens)
      throws IOException {
    net.initialize(
        model.getNDManager(),
        DataType.FLOAT32,
        PigeonInputs.shapes(historySize, tokens, net.config()));
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
    return generate(histories, references, captions, alphaH, alphaR, null);
  }

  /**
   * As above; {@code seeds} (one per prompt, or null) seed a sampled decoding when the config's
   * temperature is above 0.
   */
  public List<float[]> generate(
      List<List<float[]>> histories,
      List<float[]> references,
      List<String> captions,
      double alphaH,
      double alphaR,
      long[] seeds) {
    List<PigeonInputs.Prompt> prompts = prompts(histories, references, captions);
    return tokenizer.decode(
        generateTokens(prompts, fill(prompts.size(), alphaH), fill(prompts.size(), alphaR), seeds));
  }

  /**
   * Tokenizes the images of each prompt (one tokenizer pass for the whole batch) and gives each
   * history image and the reference its style feature.
   */
  public List<PigeonInputs.Prompt> prompts(
      List<List<float[]>> histories, List<float[]> references, List<String> captions) {
    List<float[]> all = new ArrayList<>(references);
    List<float[]> historyImages = new ArrayList<>();
    for (List<float[]> h : histories) {
      historyImages.addAll(h.subList(0, Math.min(historySize, h.size())));
    }
    all.addAll(historyImages);
    List<int[]> tokens = tokenizer.tokenize(all);
    List<float[]> styles = style(historyImages);
    List<float[]> referenceStyles = style(references);
    int next = references.size();
    List<PigeonInputs.Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < references.size(); i++) {
      int n = Math.min(historySize, histories.get(i).size());
      int from = next - references.size();
      prompts.add(
          new PigeonInputs.Prompt(
              List.copyOf(tokens.subList(next, next + n)),
              List.copyOf(styles.subList(from, from + n)),
              tokens.get(i),
              referenceStyles.get(i),
              captions.get(i)));
      next += n;
    }
    return prompts;
  }

  /**
   * The style feature of history images: the taste encoder's embedding, remembered per image (a
   * user's history comes back request after request). A missing image (null) gets zeros.
   */
  public List<float[]> style(List<float[]> images) {
    List<float[]> present = images.stream().filter(java.util.Objects::nonNull).toList();
    List<float[]> embedded = styleCache.get(present, taste::embed);
    List<float[]> out = new ArrayList<>();
    int next = 0;
    for (float[] image : images) {
      out.add(image == null ? new float[StyleEncoder.DIM] : embedded.get(next++));
    }
    return out;
  }

  /** The taste encoder the history's style features come from (owned by this model). */
  public StyleEncoder taste() {
    return taste;
  }

  /**
   * Decoded visual tokens for each prompt at its own alpha_h and alpha_r, on this thread's
   * predictor.
   *
   * @param seeds one per prompt (a sampled decoding), or null
   */
  public List<int[]> generateTokens(
      List<PigeonInputs.Prompt> prompts, double[] alphaH, double[] alphaR, long[] seeds) {
    List<int[]> generated = new ArrayList<>();
    for (int from = 0; from < prompts.size(); from += MAX_ROWS) {
      int to = Math.min(prompts.size(), from + MAX_ROWS);
      int[] decoded =
          predictor
              .predict(
                  new PigeonPredictor.Batch(
                      prompts.subList(from, to),
                      java.util.Arrays.copyOfRange(alphaH, from, to),
                      java.util.Arrays.copyOfRange(alphaR, from, to),
                      false,
                      seeds == null ? null : java.util.Arrays.copyOfRange(seeds, from, to)))
              .tokens();
      for (int i = 0; i < to - from; i++) {
        generated.add(java.util.Arrays.copyOfRange(decoded, i * tokens, (i + 1) * tokens));
      }
    }
    return generated;
  }

  /** As above, deterministic (no sampling). */
  public List<int[]> generateTokens(
      List<PigeonInputs.Prompt> prompts, double[] alphaH, double[] alphaR) {
    return generateTokens(prompts, alphaH, alphaR, null);
  }

  /**
   * The mask generator alone (Eq. 2–4, inference): for each prompt, per history image (at most N),
   * which of its tokens are masked at the prompt's alpha_h. The generator masks pooled cells; a
   * masked cell masks every token in it.
   */
  public List<List<boolean[]>> maskHistory(List<PigeonInputs.Prompt> prompts, double[] alphaH) {
    List<List<boolean[]>> out = new ArrayList<>();
    float[] keep =
        predictor
            .predict(
                new PigeonPredictor.Batch(prompts, alphaH, new double[prompts.size()], true, null))
            .historyKeep(); // (B, N*P)
    int grid = tokenizer.config().grid();
    int g = net.config().historyGrid();
    int cell = grid / g;
    int p = g * g;
    for (int i = 0; i < prompts.size(); i++) {
      List<boolean[]> masked = new ArrayList<>();
      List<int[]> history = prompts.get(i).history();
      for (int n = 0; n < Math.min(historySize, history.size()); n++) {
        boolean[] m = new boolean[tokens];
        for (int j = 0; j < tokens; j++) {
          int pooled = (j / grid / cell) * g + (j % grid) / cell;
          m[j] = keep[(i * historySize + n) * p + pooled] < 0.5f;
        }
        masked.add(m);
      }
      out.add(masked);
    }
    return out;
  }

  /**
   * log p(target tokens | prompt) per prompt, at inference masks, summed over the positions {@code
   * masked} marks; those positions are [MASK] in the input and the others show the target (the
   * parallel decoder's masked-token likelihood): what DPO's reference gives.
   *
   * @param masked per prompt, which target positions are masked and scored (null: all)
   */
  public double[] logLikelihood(
      List<PigeonInputs.Prompt> prompts,
      List<int[]> targets,
      List<boolean[]> masked,
      double alphaH,
      double alphaR) {
    try (NDManager m = model.getNDManager().newSubManager()) {
      MaskedTargets t = MaskedTargets.of(targets, masked, net.maskId());
      NDList in = PigeonInputs.build(m, prompts, historySize, tokens, net.config());
      in.add(t.inputs(m));
      PairList<String, Object> alphas = new PairList<>();
      alphas.add(PigeonNet.ALPHA_H, fill(prompts.size(), alphaH));
      alphas.add(PigeonNet.ALPHA_R, fill(prompts.size(), alphaR));
      NDArray logits = net.forward(new ParameterStore(m, false), in, false, alphas).get(0);
      float[] ll =
          PigeonNet.sequenceLogLikelihood(logits, t.targets(m), t.weights(m)).toFloatArray();
      double[] out = new double[ll.length];
      for (int i = 0; i < ll.length; i++) {
        out[i] = ll[i];
      }
      return out;
    }
  }

  /** Token sequences (each L) -> one row-major int array (B * L). */
  public static int[] flatten(List<int[]> tokens) {
    int l = tokens.isEmpty() ? 0 : tokens.get(0).length;
    int[] flat = new int[tokens.size() * l];
    for (int i = 0; i < tokens.size(); i++) {
      System.arraycopy(tokens.get(i), 0, flat, i * l, l);
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
    taste.close();
  }
}
