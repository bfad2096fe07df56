package io.pigeonstreams.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.pigeonstreams.image.StickerImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The trained VQ tokenizer and decoder (Pigeon's visual tokenizer); {@code
 * generate.pigeon.PigeonVisualTokenizer} puts it behind the engine's interfaces. Owns its DJL
 * model; inference only.
 */
public final class PigeonTokenizer implements AutoCloseable {

  public static final String NAME = "tokenizer";

  /** Tokenizer v2's weights: {@code tokenizer-v2-0000.params} beside the first one's. */
  public static final String NAME_V2 = "tokenizer-v2";

  private final Model model;
  private final TokenizerNet net;

  private final String name;

  PigeonTokenizer(Model model, String digest) {
    this.model = model;
    this.net = (TokenizerNet) model.getBlock();
    TokenizerConfig c = net.config();
    // the weights' digest: tokens of a retrained tokenizer never mix with the old ones
    this.name =
        "pigeon-"
            + (c.isFsq() ? "fsq-" : "vq-")
            + c.codebookSize()
            + "x"
            + c.tokens()
            + "-"
            + digest;
  }

  /** Loads {@code dir/tokenizer-0000.params}; no network access. */
  public static PigeonTokenizer load(Path dir, TokenizerConfig config) throws IOException {
    return load(dir, config, null);
  }

  /**
   * @param device where to run (null: DJL's default, a GPU when there is one)
   */
  public static PigeonTokenizer load(Path dir, TokenizerConfig config, ai.djl.Device device)
      throws IOException {
    return load(dir, NAME, config, device);
  }

  /**
   * @param name the weights' name: {@code dir/<name>-0000.params}
   */
  public static PigeonTokenizer load(
      Path dir, String name, TokenizerConfig config, ai.djl.Device device) throws IOException {
    Path params = dir.resolve(name + "-0000.params");
    if (!Files.isRegularFile(params)) {
      throw new IOException(
          "tokenizer weights missing: "
              + params
              + " (run from the repository root, or `pigeon-streams train tokenizer`)");
    }
    Model model = Model.newInstance(name, device);
    TokenizerNet net = TokenizerNet.of(config);
    model.setBlock(net);
    net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, 32, 32));
    try {
      model.load(dir, name);
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw new IOException("cannot load " + params + ": " + e.getMessage(), e);
    }
    return new PigeonTokenizer(model, PigeonModel.digest(params));
  }

  public String name() {
    return name;
  }

  public int[] tokenize(float[] image) {
    return tokenize(List.of(image)).get(0);
  }

  public float[] decode(int[] tokens) {
    return decode(List.of(tokens)).get(0);
  }

  /**
   * The encoder's continuous features of each image, before quantization: D * 16 floats, (D, 4, 4)
   * row-major. What the production scorer compares images in.
   */
  public List<float[]> features(List<float[]> images) {
    try (NDManager m = model.getNDManager().newSubManager()) {
      float[] f = net.features(new ParameterStore(m, false), batch(m, images)).toFloatArray();
      int per = f.length / Math.max(1, images.size());
      List<float[]> out = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        out.add(java.util.Arrays.copyOfRange(f, i * per, (i + 1) * per));
      }
      return out;
    }
  }

  private static NDArray batch(NDManager m, List<float[]> images) {
    float[] flat = new float[images.size() * StickerImage.PIXELS];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i), 0, flat, i * StickerImage.PIXELS, StickerImage.PIXELS);
    }
    return m.create(flat, new Shape(images.size(), 3, 32, 32)); // (B, 3, 32, 32)
  }

  public List<int[]> tokenize(List<float[]> images) {
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDArray x = batch(m, images); // (B, 3, 32, 32)
      long[] t = net.encode(new ParameterStore(m, false), x).toLongArray(); // (B, 16)
      List<int[]> out = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        int[] tokens = new int[net.config().tokens()];
        for (int k = 0; k < tokens.length; k++) {
          tokens[k] = (int) t[i * tokens.length + k];
        }
        out.add(tokens);
      }
      return out;
    }
  }

  public List<float[]> decode(List<int[]> tokens) {
    try (NDManager m = model.getNDManager().newSubManager()) {
      int per = net.config().tokens();
      long[] flat = new long[tokens.size() * per];
      for (int i = 0; i < tokens.size(); i++) {
        for (int k = 0; k < per; k++) {
          flat[i * per + k] = tokens.get(i)[k];
        }
      }
      NDArray t = m.create(flat, new Shape(tokens.size(), per)); // (B, T)
      float[] images = net.decode(new ParameterStore(m, false), t).toFloatArray(); // (B, 3, 32, 32)
      List<float[]> out = new ArrayList<>();
      for (int i = 0; i < tokens.size(); i++) {
        out.add(
            java.util.Arrays.copyOfRange(
                images, i * StickerImage.PIXELS, (i + 1) * StickerImage.PIXELS));
      }
      return out;
    }
  }

  /**
   * Every code's vector as the decoder reads it (K * D floats, row-major): the L2-normalized
   * codebook of the VQ tokenizer, the level tuples of FSQ.
   */
  public float[] normalizedCodebook() {
    try (NDManager m = model.getNDManager().newSubManager()) {
      return net.codeVectors(new ParameterStore(m, false));
    }
  }

  public TokenizerConfig config() {
    return net.config();
  }

  @Override
  public void close() {
    model.close();
  }
}
