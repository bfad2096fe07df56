package io.pigeonstreams.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  private static MetricsRow row(String generator, double styleAcc) {
    return new MetricsRow(
        generator, "test", 42, 0.2, styleAcc, 0.5, 0.7, 0.6, 0.4, 0.9, 0.3, 0.2, 12.5, 100);
  }

  @Test
  void shouldRoundTripARowThroughCsv() {
    MetricsRow r = row("grd", 0.125);
    assertThat(MetricsRow.parseCsv(r.toCsv())).isEqualTo(r);
  }

  @Test
  void shouldKeepOtherGeneratorsRowsAndReplaceTheSameOne(@TempDir Path dir) throws Exception {
    // Given a table with two generators
    Report.writeTables(dir, List.of(row("grd", 0.1), row("random-history", 0.2)));

    // When a later run re-evaluates one of them and adds a third
    List<MetricsRow> all = Report.writeTables(dir, List.of(row("grd", 0.3), row("pigeon", 0.9)));

    // Then the table holds three rows, the re-evaluated one updated in place
    assertThat(all)
        .extracting(MetricsRow::generator)
        .containsExactly("grd", "random-history", "pigeon");
    assertThat(all.get(0).styleAcc()).isEqualTo(0.3);
    List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
    assertThat(csv.get(0))
        .startsWith(
            "generator,style_acc,identity_top1,identity_top5,overall,hist_sim,ref_sim,msssim_hist,"
                + "msssim_gt,fd,samples");
    assertThat(csv).hasSize(4);
    assertThat(Files.readString(dir.resolve("metrics.md"))).contains("| pigeon | test | 42 |");
  }

  @Test
  void shouldComputeOverallAsTheHarmonicMean() {
    assertThat(MetricsRow.harmonicMean(1.0, 1.0)).isEqualTo(1.0);
    assertThat(MetricsRow.harmonicMean(0.5, 1.0)).isEqualTo(2 * 0.5 / 1.5);
    assertThat(MetricsRow.harmonicMean(0.0, 0.0)).isZero();
  }
}
