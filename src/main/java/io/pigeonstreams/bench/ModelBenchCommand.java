package io.pigeonstreams.bench;

import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.data.simulation.SampleImages;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.model.TokenizerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pigeon-streams bench model}: the Pigeon model's inference cost on this machine, without
 * Kafka. Per batch size, ms per image of the model's part of a candidate: the network's one
 * parallel pass (mask generator + personalization module) and the tokenizer decoder, on prompts
 * built from TEST samples (pre-tokenized, as the engine keeps tokens with catalog items). Not
 * included: the engine's separate mask pass and reference tokenization (once per request) and
 * scoring. Also the process's peak resident memory (JVM + PyTorch's native memory) and the JVM
 * heap's peak (the sum of each heap pool's peak: an upper bound).
 */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = {
      "Inference cost of the Pigeon model: ms per image and images/s per batch size, peak memory."
          + " Prints a table and writes OUT/bench-model.csv (name,value,unit)."
    })
public final class ModelBenchCommand implements Callable<Integer> {

  static final String CSV_NAME = "bench-model.csv";

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Option(
      names = "--batch-sizes",
      split = ",",
      defaultValue = "1,2,4,8,16,32,64",
      description = "Batch sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> batchSizes;

  @Option(
      names = "--images",
      defaultValue = "512",
      description = "Images generated per batch size, after warm-up (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(
      names = "--model",
      defaultValue = "models/pigeon",
      description = "Model folder (default: ${DEFAULT-VALUE}).")
  Path modelDir;

  @Option(
      names = "--checkpoint",
      defaultValue = "pigeon",
      description = "Checkpoint name (default: ${DEFAULT-VALUE}).")
  String checkpoint;

  @Option(
      names = "--data",
      defaultValue = "data",
      description = "Dataset folder (default: ${DEFAULT-VALUE}).")
  Path data;

  @Override
  public Integer call() throws Exception {
    PrintStream stdout = System.out;
    StickerDataset ds = StickerDataset.load(data);
    List<Sample> samples =
        new UserSimulator(ds).simulate(SimulationConfig.defaults(42, 0.2)).samples(Split.TEST);
    BenchResults results = new BenchResults();
    try (PigeonModel model =
        PigeonModel.load(
            modelDir, checkpoint, PigeonConfig.defaults(), TokenizerConfig.defaults(), 5)) {
      List<PigeonInputs.Prompt> prompts = prompts(ds, model, samples);
      stdout.printf(
          Locale.ROOT,
          "Pigeon %s on %s, %d CPU core(s), %d images per batch size%n",
          checkpoint,
          ai.djl.engine.Engine.getInstance().defaultDevice(),
          Runtime.getRuntime().availableProcessors(),
          images);
      stdout.println("batch  ms/image  images/s");
      for (int b : batchSizes) {
        if (b < 1) {
          throw new IllegalArgumentException("batch sizes must be >= 1, got " + b);
        }
        List<PigeonInputs.Prompt> batch = new ArrayList<>();
        for (int i = 0; i < b; i++) {
          batch.add(prompts.get(i % prompts.size()));
        }
        double[] alphaH = new double[b];
        double[] alphaR = new double[b];
        Arrays.fill(alphaH, 0.2);
        Arrays.fill(alphaR, 0.5);
        for (int w = 0; w < 3; w++) {
          model.tokenizer().decode(model.generateTokens(batch, alphaH, alphaR));
        }
        int calls = Math.max(3, (images + b - 1) / b);
        long start = System.nanoTime();
        for (int c = 0; c < calls; c++) {
          model.tokenizer().decode(model.generateTokens(batch, alphaH, alphaR));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double msPerImage = seconds * 1000 / ((double) calls * b);
        results.add("model_ms_per_image_b" + b, msPerImage, "ms");
        results.add("model_images_per_s_b" + b, 1000 / msPerImage, "images/s");
        stdout.printf(Locale.ROOT, "%5d  %8.2f  %8.1f%n", b, msPerImage, 1000 / msPerImage);
      }
    }
    double rss = peakResidentMiB();
    double heap = peakHeapMiB();
    results.add("peak_rss", rss, "MiB");
    results.add("peak_heap", heap, "MiB");
    stdout.printf(
        Locale.ROOT, "peak resident memory %.0f MiB (JVM heap peak %.0f MiB)%n", rss, heap);
    Files.createDirectories(out);
    Path csv = out.resolve(CSV_NAME);
    results.writeCsv(csv);
    stdout.println("CSV: " + csv);
    return 0;
  }

  private static List<PigeonInputs.Prompt> prompts(
      StickerDataset ds, PigeonModel model, List<Sample> samples) {
    SampleImages in = SampleImages.of(ds, samples.subList(0, Math.min(64, samples.size())));
    return model.prompts(in.histories(), in.references(), in.captions());
  }

  /** VmHWM of /proc/self/status: the process's peak resident set, native memory included. */
  static double peakResidentMiB() {
    return procStatusMiB("VmHWM:");
  }

  /** VmRSS of /proc/self/status: resident memory now, native memory included. */
  static double residentMiB() {
    return procStatusMiB("VmRSS:");
  }

  private static double procStatusMiB(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return Double.NaN;
  }

  static double peakHeapMiB() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak / (1024.0 * 1024.0);
  }
}
