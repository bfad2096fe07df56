package io.pigeonstreams.bench.generation;

import io.pigeonstreams.bench.BenchResults;
import io.pigeonstreams.bench.Progress;
import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.HistoryMasker;
import io.pigeonstreams.generate.MaskedHistory;
import io.pigeonstreams.generate.pigeon.PigeonComponents;
import io.pigeonstreams.image.StickerImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The raw model: images/s of the work the engine does per request (mask pass, generation, decoding,
 * scoring, PNG encoding) called directly, without Kafka, per batch size; and of generation and
 * decoding alone. Requests are drawn as the engine's are (a random user, a random catalog
 * reference); a first round over every catalog item warms the JIT and the scorer's caches up as the
 * engine's own traffic would.
 */
final class RawModelPhase {

  private final PigeonComponents model;
  private final GenerationWorkload workload;
  private final GenerationSettings settings;
  private final Progress progress;

  RawModelPhase(
      PigeonComponents model,
      GenerationWorkload workload,
      GenerationSettings settings,
      Progress progress) {
    this.model = model;
    this.workload = workload;
    this.settings = settings;
    this.progress = progress;
  }

  /**
   * Times each batch size, rows {@code model_*_b<size><suffix>}; the first call (empty suffix)
   * starts with the untimed round over every catalog item.
   */
  void run(BenchResults results, List<Integer> sizes, String suffix) throws Exception {
    Random rnd = new Random(42 + suffix.length());
    List<Integer> everyItem = new ArrayList<>();
    for (int i = 0; suffix.isEmpty() && i < workload.items(); i++) {
      everyItem.add(i);
    }
    for (int from = 0; from < everyItem.size(); from += 64) {
      // (the first round: not timed)
      modelPass(
          workload.tasks(
              model, everyItem.subList(from, Math.min(everyItem.size(), from + 64)), rnd));
    }
    int threads = settings.streamThreads();
    progress
        .out()
        .printf(
            Locale.ROOT,
            "batch  model images/s  generate+decode images/s   (%d caller thread(s), as the"
                + " engine's stream threads)%n",
            threads);
    for (int b : sizes) {
      int calls = Math.max(3, settings.rawImages() / b);
      long start = System.nanoTime();
      long[] stages = timeCallers(b, calls, threads);
      double images = (double) calls * b * threads;
      double all = images / ((System.nanoTime() - start) / 1e9);
      double genOnly = images / (stages[1] / 1e9 / threads);
      results.add("model_images_per_s_b" + b + suffix, all, "images/s");
      results.add("model_generate_images_per_s_b" + b + suffix, genOnly, "images/s");
      String[] names = {"mask", "generate", "score", "publish"};
      for (int k = 0; k < 4; k++) {
        results.add(
            "model_" + names[k] + "_ms_per_image_b" + b + suffix, stages[k] / 1e6 / images, "ms");
      }
      progress.out().printf(Locale.ROOT, "%5d  %16.1f  %24.1f%n", b, all, genOnly);
    }
  }

  /** {@code threads} callers at once, each {@code calls} batches of {@code size}; ns per stage. */
  private long[] timeCallers(int size, int calls, int threads) throws Exception {
    List<Future<long[]>> callers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      Random r = new Random(42 + t);
      callers.add(
          pool.submit(
              () -> {
                long[] stages = new long[4];
                for (int c = 0; c < calls; c++) {
                  List<Integer> refs = new ArrayList<>();
                  for (int i = 0; i < size; i++) {
                    refs.add(r.nextInt(workload.items()));
                  }
                  long[] pass = modelPass(workload.tasks(model, refs, r));
                  for (int k = 0; k < 4; k++) {
                    stages[k] += pass[k];
                  }
                }
                return stages;
              }));
    }
    long[] stages = new long[4];
    try {
      for (var caller : callers) {
        long[] c = caller.get();
        for (int k = 0; k < 4; k++) {
          stages[k] += c[k];
        }
      }
    } finally {
      pool.shutdown();
    }
    return stages;
  }

  /**
   * Mask, generate (one candidate at alpha_r 0.5), decode, score, encode as PNG.
   *
   * @return ns spent masking, generating, scoring and encoding
   */
  private long[] modelPass(List<HistoryMasker.Task> t) {
    long t0 = System.nanoTime();
    List<MaskedHistory> kept = model.keepAll(t);
    List<GenerationContext> contexts = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      contexts.add(
          new GenerationContext(
              "r" + i,
              kept.get(i),
              t.get(i).reference(),
              t.get(i).referenceTokens(),
              "",
              List.of(0.5)));
    }
    long t1 = System.nanoTime();
    List<List<Candidate>> candidates = model.generateAll(contexts);
    long t2 = System.nanoTime();
    List<float[]> images = new ArrayList<>();
    List<List<float[]>> histories = new ArrayList<>();
    List<float[]> references = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      images.add(candidates.get(i).get(0).image());
      histories.add(t.get(i).history().stream().map(HistoryEntry::image).toList());
      references.add(t.get(i).reference());
    }
    model.scorer().score(images, histories, references);
    long t3 = System.nanoTime();
    for (float[] image : images) {
      StickerImage.toPng(image); // as the engine publishes it
    }
    return new long[] {t1 - t0, t2 - t1, t3 - t2, System.nanoTime() - t3};
  }

  /**
   * The raw model's images/s at a (mean) batch size: interpolated between the measured powers of
   * two on a log2 scale.
   */
  static double rawAt(BenchResults results, double batchSize, String suffix) {
    double x = Math.max(1, Math.min(64, batchSize));
    int lo = Integer.highestOneBit((int) Math.floor(x));
    int hi = Math.min(64, lo * 2);
    double a = results.value("model_images_per_s_b" + lo + suffix);
    if (hi == lo || x == lo) {
      return a;
    }
    double t = (Math.log(x) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
    return a + t * (results.value("model_images_per_s_b" + hi + suffix) - a);
  }
}
