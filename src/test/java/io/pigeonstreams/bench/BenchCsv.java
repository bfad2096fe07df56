package io.pigeonstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads back a benchmark's CSV, checking its shape: the header, then name,value,unit rows. */
public final class BenchCsv {

  private BenchCsv() {}

  public static BenchResults read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    assertThat(lines.get(0)).isEqualTo(BenchResults.CSV_HEADER);
    BenchResults results = new BenchResults();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      assertThat(f).as(line).hasSize(3);
      results.add(f[0], Double.parseDouble(f[1]), f[2]);
    }
    return results;
  }
}
