package io.pigeonstreams.eval;

import io.pigeonstreams.generate.Candidates;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.TokenizerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Generators by name, as {@code eval --generator NAME} knows them. */
public final class Generators {

  /** Baselines that need no model: what {@code --generator baselines} runs. */
  public static final List<String> BASELINES =
      List.of("truth", "grd", "nearest-history", "random-history");

  /**
   * How Pigeon generators run: mask ratios and decoding (steps, sampling temperature); null means
   * the generator's default. Baselines ignore it.
   */
  public record Inference(
      Double alphaH,
      Double alphaR,
      Integer decodeSteps,
      Float temperature,
      Candidates.Selection selection) {
    public static final Inference DEFAULTS = new Inference(null, null, null, null, null);

    /** Only the mask ratios set. */
    public Inference(Double alphaH, Double alphaR) {
      this(alphaH, alphaR, null, null, null);
    }

    /** Whether the decoding or the selection is other than the default. */
    boolean decodingSet() {
      return decodeSteps != null || temperature != null || selection != null;
    }
  }

  private interface Factory {
    StickerGenerator create(Path models, Inference ratios);
  }

  private static final Map<String, Factory> KNOWN = new LinkedHashMap<>();

  static {
    KNOWN.put("truth", (models, ratios) -> new TruthGenerator());
    KNOWN.put("grd", (models, ratios) -> Baselines.grd());
    KNOWN.put("nearest-history", (models, ratios) -> Baselines.nearestHistory());
    KNOWN.put("random-history", (models, ratios) -> Baselines.randomHistory());
    KNOWN.put(
        "recon", (models, ratios) -> withModel(() -> new ReconGenerator(models.resolve("pigeon"))));
    KNOWN.put(
        "recon-v2",
        (models, ratios) ->
            withModel(
                () ->
                    new ReconGenerator(
                        "recon-v2",
                        models.resolve("pigeon"),
                        PigeonTokenizer.NAME_V2,
                        TokenizerConfig.v2())));
    KNOWN.put(
        "unet", (models, ratios) -> withModel(() -> new UNetGenerator(models.resolve("pigeon"))));
    KNOWN.put("pigeon", pigeon("pigeon", 0.2));
    KNOWN.put("pigeon-sft", pigeon("pigeon-sft", 0.2));
    KNOWN.put("pigeon-nomask", pigeon("pigeon-nomask", 0.0));
  }

  /** A checkpoint in models/pigeon, run with its own alpha_h unless told otherwise. */
  private static Factory pigeon(String checkpoint, double alphaH) {
    return (models, ratios) ->
        withModel(
            () ->
                new PigeonGenerator(
                    checkpoint, models.resolve("pigeon"), checkpoint, alphaH, ratios));
  }

  private interface ModelLoader {
    StickerGenerator load() throws IOException;
  }

  private static StickerGenerator withModel(ModelLoader loader) {
    try {
      return loader.load();
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private Generators() {}

  public static List<String> names() {
    return List.copyOf(KNOWN.keySet());
  }

  /**
   * Checkpoint {@code checkpoint} of folder {@code dir} (with its tokenizer and taste encoder) as
   * the engine runs it by default: 11 candidates, the best by the balanced rule, alpha_h 0.2.
   */
  public static StickerGenerator pigeonAt(String name, Path dir, String checkpoint) {
    return withModel(() -> new PigeonGenerator(name, dir, checkpoint, 0.2, Inference.DEFAULTS));
  }

  /** A generator with the weights under {@code models/}. */
  public static StickerGenerator create(String name) {
    return create(name, Path.of("models"), Inference.DEFAULTS);
  }

  /**
   * @param models the folder holding the committed weights ({@code models/})
   * @throws IllegalArgumentException naming the known generators when {@code name} is not one
   * @throws UncheckedIOException when the generator's weights are missing
   */
  public static StickerGenerator create(String name, Path models, Inference ratios) {
    Factory factory = KNOWN.get(name);
    if (factory == null) {
      throw new IllegalArgumentException(
          "unknown generator '" + name + "'; known: " + String.join(", ", names()));
    }
    return factory.create(models, ratios);
  }
}
