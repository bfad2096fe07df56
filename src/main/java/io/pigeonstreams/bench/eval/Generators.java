package io.pigeonstreams.bench.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Generators by name, as {@code eval --generator NAME} knows them. */
public final class Generators {

  /** Baselines that need no model: what {@code --generator baselines} runs. */
  public static final List<String> BASELINES = List.of("grd", "nearest-history", "random-history");

  private static final Map<String, Function<Path, StickerGenerator>> KNOWN = new LinkedHashMap<>();

  static {
    KNOWN.put("grd", models -> Baselines.grd());
    KNOWN.put("nearest-history", models -> Baselines.nearestHistory());
    KNOWN.put("random-history", models -> Baselines.randomHistory());
    KNOWN.put("recon", models -> withModel(() -> new ReconGenerator(models.resolve("pigeon"))));
    KNOWN.put(
        "pigeon-sft",
        models ->
            withModel(
                () ->
                    new PigeonGenerator(
                        "pigeon-sft", models.resolve("pigeon"), "pigeon-sft", 0.2)));
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

  /** A generator with the weights under {@code models/}. */
  public static StickerGenerator create(String name) {
    return create(name, Path.of("models"));
  }

  /**
   * @param models the folder holding the committed weights ({@code models/})
   * @throws IllegalArgumentException naming the known generators when {@code name} is not one
   * @throws UncheckedIOException when the generator's weights are missing
   */
  public static StickerGenerator create(String name, Path models) {
    Function<Path, StickerGenerator> factory = KNOWN.get(name);
    if (factory == null) {
      throw new IllegalArgumentException(
          "unknown generator '" + name + "'; known: " + String.join(", ", names()));
    }
    return factory.apply(models);
  }
}
