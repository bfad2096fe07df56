package io.pigeonstreams.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A benchmark's measurements as {@code name,value,unit} rows, in the order they were taken. */
public final class BenchResults {

  /** One measurement. */
  public record Row(String name, double value, String unit) {}

  public static final String CSV_HEADER = "name,value,unit";

  private final List<Row> rows = new ArrayList<>();

  public BenchResults add(String name, double value, String unit) {
    if (get(name).isPresent()) {
      throw new IllegalArgumentException("row " + name + " is already there");
    }
    rows.add(new Row(name, value, unit));
    return this;
  }

  public List<Row> rows() {
    return Collections.unmodifiableList(rows);
  }

  public Optional<Double> get(String name) {
    return rows.stream().filter(r -> r.name().equals(name)).map(Row::value).findFirst();
  }

  public double value(String name) {
    return get(name).orElseThrow(() -> new IllegalArgumentException("no row " + name));
  }

  /** The CSV text: a header, then one line per row. */
  public String csv() {
    StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
    for (Row r : rows) {
      sb.append(r.name()).append(',').append(format(r.value())).append(',').append(r.unit());
      sb.append('\n');
    }
    return sb.toString();
  }

  public void writeCsv(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, csv(), StandardCharsets.UTF_8);
  }

  /** Whole numbers without decimals, the rest with up to three. */
  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%.3f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
