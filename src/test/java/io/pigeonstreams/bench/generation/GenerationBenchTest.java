package io.pigeonstreams.bench.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigeonstreams.bench.BenchCsv;
import io.pigeonstreams.bench.BenchResults;
import io.pigeonstreams.cli.BenchCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The generation benchmark, whole, at a tiny size on the in-process broker with the real model. */
@Tag("integration")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GenerationBenchTest {

  @Test
  void shouldWriteTheRequiredFiguresAtATinySize(@TempDir Path out) throws Exception {
    // Given a tiny run: 40 catalog items, 40 + 10 requests, a 2 s soak
    int exit =
        new CommandLine(new BenchCommand())
            .execute(
                "generation",
                "--out",
                out.toString(),
                "--emoji",
                "8",
                "--raw-images",
                "16",
                "--requests",
                "40",
                "--per-record-requests",
                "10",
                "--soak-seconds",
                "2",
                "--batch",
                "8");

    // Then it succeeds and writes name,value,unit rows with every figure the issue asks for
    assertThat(exit).isZero();
    BenchResults results = BenchCsv.read(out.resolve(GenerationReport.CSV_NAME));
    for (int b = 1; b <= 64; b *= 2) {
      assertThat(results.value("model_images_per_s_b" + b)).as("batch " + b).isPositive();
    }
    assertThat(results.rows())
        .extracting(BenchResults.Row::name)
        .contains(
            "engine_images_per_s_batched",
            "engine_images_per_s_per_record",
            "engine_efficiency",
            "batching_gain",
            "batching_capture",
            "latency_p50",
            "latency_p95",
            "latency_p99",
            "peak_rss",
            "rss_growth");
    assertThat(results.value("engine_ok_batched")).isEqualTo(40);
    assertThat(results.value("engine_ok_per_record")).isEqualTo(10);
    assertThat(results.value("engine_efficiency")).isPositive();
    assertThat(results.value("batching_gain")).isPositive();
    assertThat(results.value("latency_p99")).isGreaterThanOrEqualTo(results.value("latency_p50"));
    assertThat(results.value("batching_capture"))
        .isCloseTo(
            results.value("batching_gain") / results.value("model_batching_gain_at_engine_batch"),
            // the CSV keeps 3 decimals
            org.assertj.core.data.Offset.offset(0.005));
    // and draws them: PNG files a reader of the README can look at
    for (String chart : new String[] {"throughput.png", "latency-cdf.png", "memory.png"}) {
      java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(out.resolve(chart).toFile());
      assertThat(png).as(chart).isNotNull();
      assertThat(png.getWidth()).as(chart).isEqualTo(800);
    }
  }

  @Test
  void shouldRefuseABatchBelowOneNamingItBeforeLoadingAnything(@TempDir Path out) {
    // Given a batch size of 0
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new BenchCommand());
    cli.setErr(new PrintWriter(err, true));

    // When the benchmark is asked to run with it
    int exit = cli.execute("generation", "--out", out.toString(), "--batch", "0");

    // Then it is a usage error that names the setting and its value, and nothing was measured
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("batch must be >= 1, got 0").doesNotContain("\tat ");
    assertThat(out.resolve(GenerationReport.CSV_NAME)).doesNotExist();
  }

  @Test
  void shouldRefuseANegativeDelayButAcceptZero() {
    // Given settings that differ only in D
    // When D is 0 (no waiting) it is accepted; when negative it is refused with its value
    new GenerationSettings(1, 1, 1, 1, 0, 1, 0, 1, 1, 1, Path.of("m"), Path.of("o"));
    assertThatThrownBy(
            () -> new GenerationSettings(1, 1, 1, 1, -5, 1, 0, 1, 1, 1, Path.of("m"), Path.of("o")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delay ms must be >= 0, got -5");
  }
}
