package io.pigeonstreams.bench.model;

import io.pigeonstreams.bench.BenchResults;
import java.io.PrintStream;
import java.util.Locale;

/** The model benchmark's lines as they are measured, and its CSV. */
final class ModelReport {

  private final PrintStream out;

  ModelReport(PrintStream out) {
    this.out = out;
  }

  void header(String checkpoint, Object device, int images) {
    out.printf(
        Locale.ROOT,
        "Pigeon %s on %s, %d CPU core(s), %d images per batch size%n",
        checkpoint,
        device,
        Runtime.getRuntime().availableProcessors(),
        images);
    out.println("batch  ms/image  images/s  network ms/image  decoder ms/image");
  }

  void batch(int b, double msPerImage, double networkMs, double decoderMs) {
    out.printf(
        Locale.ROOT,
        "%5d  %8.2f  %8.1f  %16.2f  %16.2f%n",
        b,
        msPerImage,
        1000 / msPerImage,
        networkMs,
        decoderMs);
  }

  void memory(BenchResults r) {
    out.printf(
        Locale.ROOT,
        "peak resident memory %.0f MiB (JVM heap peak %.0f MiB)%n",
        r.value("peak_rss"),
        r.value("peak_heap"));
  }

  void csv(java.nio.file.Path csv) {
    out.println("CSV: " + csv);
  }
}
