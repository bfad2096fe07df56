package io.pigeonstreams.bench.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Generators by name, as {@code eval --generator NAME} knows them. */
public final class Generators {

  private static final Map<String, Supplier<StickerGenerator>> KNOWN = new LinkedHashMap<>();

  static {
    KNOWN.put("grd", Baselines::grd);
    KNOWN.put("nearest-history", Baselines::nearestHistory);
    KNOWN.put("random-history", Baselines::randomHistory);
  }

  private Generators() {}

  public static List<String> names() {
    return List.copyOf(KNOWN.keySet());
  }

  /**
   * @throws IllegalArgumentException naming the known generators when {@code name} is not one
   */
  public static StickerGenerator create(String name) {
    Supplier<StickerGenerator> factory = KNOWN.get(name);
    if (factory == null) {
      throw new IllegalArgumentException(
          "unknown generator '" + name + "'; known: " + String.join(", ", names()));
    }
    return factory.get();
  }
}
