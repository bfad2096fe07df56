package io.pigeonstreams.engine;

import io.pigeonstreams.generate.pigeon.PigeonComponents;
import io.pigeonstreams.generate.retrieval.NearestHistoryGenerator;
import io.pigeonstreams.generate.unet.UNetImageGenerator;
import io.pigeonstreams.model.Devices;
import io.pigeonstreams.model.UNetModel;
import io.pigeonstreams.personalize.Personalizer;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the models experiments' variants are generated with ({@link Personalizer.ArmLoader}): a
 * model version from the model store (or the models folder, when it holds that checkpoint with that
 * digest) and/or another generator: the U-Net (from {@code pigeon.model.dir}) or the retrieval
 * baseline nearest-history (the kept history image closest to the reference). Pigeon's tokenizer,
 * masker and scorer come from the version named (the configured one if none) in every case. Each is
 * warmed up before it serves. The personalizer loads an arm on first use, at a batch boundary, and
 * closes it when no running experiment names it any more.
 */
final class VariantModels implements Personalizer.ArmLoader {

  private static final Logger LOG = LoggerFactory.getLogger(VariantModels.class);

  private final EngineConfig config;
  private final int warmUpRows;

  VariantModels(EngineConfig config, int warmUpRows) {
    this.config = config;
    this.warmUpRows = warmUpRows;
  }

  @Override
  public Personalizer.ArmComponents load(Personalizer.Arm arm) throws Exception {
    String configured = config.get("pigeon.generator");
    String generator = arm.generator() != null ? arm.generator() : configured;
    if (!java.util.Set.of("pigeon", "unet", "nearest-history").contains(generator)) {
      throw new IllegalArgumentException(
          "variant models need generator pigeon, unet or nearest-history, not '" + generator + "'");
    }
    Path modelDir = Path.of(config.get("pigeon.model.dir"));
    Path dir = modelDir;
    String checkpoint = config.get("pigeon.model.name");
    if (arm.modelVersion() != null) {
      dir =
          new ModelStore(Path.of(config.get("pigeon.model.store")))
              .locate(arm.modelVersion(), modelDir);
      checkpoint = arm.modelVersion().substring(0, arm.modelVersion().lastIndexOf('@'));
    }
    long start = System.nanoTime();
    var device = Devices.parse(config.get("pigeon.device"));
    PigeonComponents pigeon =
        PigeonComponents.load(dir, checkpoint, config.getInt("pigeon.history.size"), device);
    AutoCloseable owner = pigeon;
    try {
      if (arm.modelVersion() != null && !pigeon.modelVersion().equals(arm.modelVersion())) {
        throw new IllegalStateException(
            "loaded " + pigeon.modelVersion() + " for version " + arm.modelVersion());
      }
      Personalizer.ArmComponents out;
      if ("unet".equals(generator)) {
        UNetModel unet = UNetModel.load(modelDir, device);
        UNetImageGenerator g = new UNetImageGenerator(unet, pigeon);
        owner = g; // closes both
        out = new Personalizer.ArmComponents(pigeon.tokenizer(), pigeon, g, pigeon.scorer(), g);
      } else if ("nearest-history".equals(generator)) {
        out =
            new Personalizer.ArmComponents(
                pigeon.tokenizer(), pigeon, new NearestHistoryGenerator(), pigeon.scorer(), pigeon);
      } else {
        out =
            new Personalizer.ArmComponents(
                pigeon.tokenizer(), pigeon, pigeon, pigeon.scorer(), pigeon);
      }
      out.generator().warmUp(warmUpRows);
      LOG.info(
          "variant model {} ({}) loaded and warmed up in {} ms",
          out.generator().modelVersion(),
          arm,
          (System.nanoTime() - start) / 1_000_000);
      return out;
    } catch (Exception | OutOfMemoryError e) {
      owner.close();
      throw e;
    }
  }
}
