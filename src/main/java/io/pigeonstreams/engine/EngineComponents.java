package io.pigeonstreams.engine;

import ai.djl.Device;
import io.pigeonstreams.generate.HistoryMasker;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.generate.PreferenceScorer;
import io.pigeonstreams.generate.VisualTokenizer;
import io.pigeonstreams.generate.pigeon.PigeonComponents;
import io.pigeonstreams.generate.retrieval.NearestHistoryGenerator;
import io.pigeonstreams.generate.retrieval.PaletteOutlierMasker;
import io.pigeonstreams.generate.retrieval.PaletteStructureScorer;
import io.pigeonstreams.generate.retrieval.PaletteTokenizer;
import io.pigeonstreams.generate.unet.UNetImageGenerator;
import io.pigeonstreams.model.Devices;
import io.pigeonstreams.model.UNetModel;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The model components behind the engine's interfaces, as the configuration chooses them. */
public record EngineComponents(
    VisualTokenizer tokenizer,
    HistoryMasker masker,
    ImageGenerator generator,
    PreferenceScorer scorer) {

  private static final Logger LOG = LoggerFactory.getLogger(EngineComponents.class);

  /**
   * The configured generator: {@code pigeon} (the default: the trained model in {@code
   * pigeon.model.dir}, its tokenizer, mask generator and encoder scorer), {@code unet} (the
   * conditional U-Net in the same folder as the generator, Pigeon's parts around it: {@link #unet})
   * or {@code nearest-history} (no model: {@link #retrieval()}).
   */
  public static EngineComponents of(EngineConfig config) throws IOException {
    String generator = config.get("pigeon.generator");
    switch (generator) {
      case "pigeon":
        Devices.threads(config.getInt("pigeon.model.threads"));
        return pigeon(
            Path.of(config.get("pigeon.model.dir")),
            config.get("pigeon.model.name"),
            config.getInt("pigeon.history.size"),
            Devices.parse(config.get("pigeon.device")));
      case "unet":
        Devices.threads(config.getInt("pigeon.model.threads"));
        return unet(
            Path.of(config.get("pigeon.model.dir")),
            config.get("pigeon.model.name"),
            config.getInt("pigeon.history.size"),
            Devices.parse(config.get("pigeon.device")));
      case "nearest-history":
        return retrieval();
      default:
        throw new IllegalArgumentException(
            "pigeon.generator must be pigeon, unet or nearest-history, got '" + generator + "'");
    }
  }

  /** Pigeon behind every interface; closing the generator closes the model. */
  public static EngineComponents pigeon(Path dir, String name, int historySize, Device device)
      throws IOException {
    PigeonComponents p = PigeonComponents.load(dir, name, historySize, device);
    LOG.info("Pigeon model {} loaded from {}, running on {}", p.modelVersion(), dir, device);
    return new EngineComponents(p.tokenizer(), p, p, p.scorer());
  }

  /**
   * The conditional U-Net ({@code unet-fp16.ndlist} in {@code dir}) as the generator; tokenizer,
   * mask generator and scorer from Pigeon checkpoint {@code name}. Closing the generator closes
   * both models.
   */
  public static EngineComponents unet(Path dir, String name, int historySize, Device device)
      throws IOException {
    PigeonComponents p = PigeonComponents.load(dir, name, historySize, device);
    UNetModel unet;
    try {
      unet = UNetModel.load(dir, device);
    } catch (IOException | RuntimeException e) {
      p.close();
      throw e;
    }
    UNetImageGenerator g = new UNetImageGenerator(unet, p);
    LOG.info(
        "U-Net {} loaded from {} with Pigeon {}'s masker and scorer, running on {}",
        g.modelVersion(),
        dir,
        p.modelVersion(),
        device);
    return new EngineComponents(p.tokenizer(), p, g, p.scorer());
  }

  /**
   * No model: the benchmark's nearest-history baseline behind the generator interface, with a
   * palette tokenizer, outlier masker and palette/structure scorer. For tests of the streaming
   * parts, and machines without the weights.
   */
  public static EngineComponents retrieval() {
    return new EngineComponents(
        new PaletteTokenizer(),
        new PaletteOutlierMasker(),
        new NearestHistoryGenerator(),
        new PaletteStructureScorer());
  }
}
