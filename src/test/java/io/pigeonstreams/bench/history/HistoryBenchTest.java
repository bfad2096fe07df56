package io.pigeonstreams.bench.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.bench.BenchCsv;
import io.pigeonstreams.bench.BenchResults;
import io.pigeonstreams.cli.BenchCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The history benchmark, whole, at a tiny size on the in-process broker. */
@Tag("integration")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HistoryBenchTest {

  @Test
  void shouldWriteEveryMeasurementAsAPositiveCsvRowAtATinySize(@TempDir Path out) throws Exception {
    // Given a tiny run: 2,000 interactions, one history length, 10 requests, room for 20
    // histories per task (an engine setting)
    int exit =
        new CommandLine(new BenchCommand())
            .execute(
                "history",
                "--out",
                out.toString(),
                "--interactions",
                "2000",
                "--users",
                "100",
                "--history-sizes",
                "3",
                "--requests-per-size",
                "10",
                "--warmup-requests",
                "5",
                "--latency-users",
                "10",
                "--in-flight",
                "5",
                "--set",
                "pigeon.history.cache.users=20");

    // Then it succeeds and writes name,value,unit rows
    assertThat(exit).isZero();
    BenchResults results = BenchCsv.read(out.resolve(HistoryReport.CSV_NAME));
    Map<String, String> units = new LinkedHashMap<>();
    results.rows().forEach(r -> units.put(r.name(), r.unit()));
    assertThat(units)
        .containsKeys(
            "cores",
            "max_heap_mb",
            "engine_interactions_per_s",
            "pipe_records_per_s",
            "history_ratio",
            "request_latency_p50_n3",
            "request_latency_p95_n3",
            "request_latency_p99_n3",
            "request_e2e_p50_n3",
            "requests_answered_n3");
    assertThat(units)
        .containsEntry("engine_interactions_per_s", "1/s")
        .containsEntry("pipe_records_per_s", "1/s")
        .containsEntry("history_ratio", "ratio")
        .containsEntry("request_latency_p50_n3", "ms");
    assertThat(javax.imageio.ImageIO.read(out.resolve("history-latency.png").toFile()))
        .as("the latency chart")
        .isNotNull();
    // the engine's latencyMs is whole milliseconds: 0 is a real (fast) measurement
    for (BenchResults.Row r : results.rows()) {
      if (r.name().startsWith("request_latency_")) {
        assertThat(r.value()).as(r.name()).isGreaterThanOrEqualTo(0);
      } else {
        assertThat(r.value()).as(r.name()).isPositive();
      }
    }
    assertThat(results.value("interactions")).isEqualTo(2000);
    assertThat(results.value("requests_answered_n3")).isEqualTo(10);
    assertThat(results.value("requests_ok_n3")).isEqualTo(10);
    assertThat(results.value("request_latency_p50_n3"))
        .isLessThanOrEqualTo(results.value("request_latency_p99_n3"));
  }

  @Test
  void shouldRefuseAHistorySizeBelowOne(@TempDir Path out) {
    // Given a history size of 0 among the sizes
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new BenchCommand());
    cli.setErr(new PrintWriter(err, true));

    // When the benchmark is asked to run with it
    int exit = cli.execute("history", "--out", out.toString(), "--history-sizes", "5,0");

    // Then it is a usage error naming the setting, and nothing was measured
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("history size must be >= 1, got 0");
    assertThat(out.resolve(HistoryReport.CSV_NAME)).doesNotExist();
  }
}
