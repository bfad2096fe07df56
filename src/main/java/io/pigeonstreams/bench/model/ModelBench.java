package io.pigeonstreams.bench.model;

import io.pigeonstreams.bench.BenchResults;
import io.pigeonstreams.bench.ProcessMemory;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.model.TokenizerConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The Pigeon model's inference cost on this machine, without Kafka. Per batch size, ms per image of
 * the model's part of a candidate, split into the network (the mask generator and every step of the
 * iterative parallel decoding) and the tokenizer's decoder (tokens to pixels), on prompts built
 * from TEST samples (pre-tokenized, as the engine keeps tokens with catalog items). Not included:
 * the engine's separate mask pass and reference tokenization (once per request) and scoring. Also
 * the process's peak resident memory (JVM + PyTorch's native memory) and the JVM heap's peak (the
 * sum of each heap pool's peak: an upper bound).
 */
public final class ModelBench {

  public static final String CSV_NAME = "bench-model.csv";

  /** What to run. */
  public record Settings(
      Path modelDir, String checkpoint, List<Integer> batchSizes, int images, Path out) {
    public Settings {
      for (int b : batchSizes) {
        if (b < 1) {
          throw new IllegalArgumentException("batch sizes must be >= 1, got " + b);
        }
      }
      batchSizes = List.copyOf(batchSizes);
    }
  }

  private final Settings settings;
  private final ModelReport report;

  public ModelBench(Settings settings, PrintStream out) {
    this.settings = settings;
    this.report = new ModelReport(out);
  }

  /** Times every batch size, writes OUT/bench-model.csv and returns the measurements. */
  public BenchResults run(StickerDataset ds) throws Exception {
    BenchResults results = new BenchResults();
    try (PigeonModel model =
        PigeonModel.load(
            settings.modelDir(),
            settings.checkpoint(),
            PigeonConfig.defaults(),
            TokenizerConfig.v2(),
            5)) {
      ModelWorkload workload = new ModelWorkload(ds, model);
      report.header(
          settings.checkpoint(),
          ai.djl.engine.Engine.getInstance().defaultDevice(),
          settings.images());
      for (int b : settings.batchSizes()) {
        Timing t = time(model, workload.batch(b), b);
        double msPerImage = t.network() + t.decoder();
        results.add("model_ms_per_image_b" + b, msPerImage, "ms");
        results.add("model_images_per_s_b" + b, 1000 / msPerImage, "images/s");
        results.add("network_ms_per_image_b" + b, t.network(), "ms");
        results.add("decoder_ms_per_image_b" + b, t.decoder(), "ms");
        report.batch(b, msPerImage, t.network(), t.decoder());
      }
    }
    results.add("peak_rss", ProcessMemory.peakResidentMiB(), "MiB");
    results.add("peak_heap", ProcessMemory.peakHeapMiB(), "MiB");
    report.memory(results);
    Files.createDirectories(settings.out());
    Path csv = settings.out().resolve(CSV_NAME);
    results.writeCsv(csv);
    report.csv(csv);
    return results;
  }

  /**
   * ms per image in the network (mask generator and every decoding step) and in the token decoder.
   */
  private record Timing(double network, double decoder) {}

  /** ms per image at batch size {@code b}, after 3 warm-up calls. */
  private Timing time(PigeonModel model, List<PigeonInputs.Prompt> batch, int b) {
    double[] alphaH = new double[b];
    double[] alphaR = new double[b];
    Arrays.fill(alphaH, 0.2);
    Arrays.fill(alphaR, 0.5);
    for (int w = 0; w < 3; w++) {
      model.tokenizer().decode(model.generateTokens(batch, alphaH, alphaR));
    }
    int calls = Math.max(3, (settings.images() + b - 1) / b);
    long network = 0;
    long decoder = 0;
    for (int c = 0; c < calls; c++) {
      long start = System.nanoTime();
      List<int[]> tokens = model.generateTokens(batch, alphaH, alphaR);
      long generated = System.nanoTime();
      model.tokenizer().decode(tokens);
      network += generated - start;
      decoder += System.nanoTime() - generated;
    }
    double images = (double) calls * b;
    return new Timing(network / 1e6 / images, decoder / 1e6 / images);
  }
}
