package io.pigeonstreams.eval;

import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Interaction;
import io.pigeonstreams.data.simulation.Sample;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** Writes an evaluation's {@code metrics.csv}, {@code metrics.md} and {@code samples.png}. */
public final class Report {

  static final String CSV = "metrics.csv";
  static final String MARKDOWN = "metrics.md";
  static final String SAMPLES = "samples.png";

  /** Which requests the samples sheet shows: a fixed random draw. */
  static final long SAMPLES_SEED = 12L;

  private static final int TILE = 64; // 32 px images shown at 2x
  private static final int LABEL = 18;

  private Report() {}

  /**
   * Writes the rows, merged with rows already in {@code dir/metrics.csv} for other generators or
   * settings (a row with the same generator, split, seed and noise is replaced), so that later
   * generators join the same table.
   */
  public static List<MetricsRow> writeTables(Path dir, List<MetricsRow> rows) throws IOException {
    Files.createDirectories(dir);
    Map<String, MetricsRow> merged = new LinkedHashMap<>();
    Path csv = dir.resolve(CSV);
    if (Files.isRegularFile(csv)) {
      List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
      if (!lines.isEmpty() && lines.get(0).equals(MetricsRow.CSV_HEADER)) {
        for (String line : lines.subList(1, lines.size())) {
          if (!line.isBlank()) {
            MetricsRow row = MetricsRow.parseCsv(line);
            merged.put(key(row), row);
          }
        }
      }
    }
    for (MetricsRow row : rows) {
      merged.put(key(row), row);
    }
    List<MetricsRow> all = new ArrayList<>(merged.values());
    StringBuilder sb = new StringBuilder(MetricsRow.CSV_HEADER).append('\n');
    all.forEach(r -> sb.append(r.toCsv()).append('\n'));
    Files.writeString(csv, sb.toString(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(MARKDOWN), markdown(all), StandardCharsets.UTF_8);
    return all;
  }

  private static String key(MetricsRow r) {
    return r.generator() + "|" + r.split() + "|" + r.seed() + "|" + r.noise();
  }

  /** The table as Markdown: higher is better except for fd. */
  public static String markdown(List<MetricsRow> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| generator | split | seed | noise | style acc ↑ | identity top-1 ↑ | identity top-5 ↑ |"
            + " overall ↑ | hist sim ↑ | ref sim ↑ | MS-SSIM hist ↑ | MS-SSIM gt ↑ | FD ↓ |"
            + " samples |\n");
    sb.append("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (MetricsRow r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %.2f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |"
                  + " %.2f | %d |\n",
              r.generator(),
              r.split(),
              r.seed(),
              r.noise(),
              r.styleAcc(),
              r.identityTop1(),
              r.identityTop5(),
              r.overall(),
              r.histSim(),
              r.refSim(),
              r.msssimHist(),
              r.msssimGt(),
              r.fd(),
              r.samples()));
    }
    return sb.toString();
  }

  /**
   * A grid of {@code rows} samples drawn at random (a fixed seed, so every run shows the same
   * requests; never chosen by how they look): history (5) | reference | each generator's image |
   * ground truth.
   */
  public static void writeSamples(
      Path dir,
      StickerDataset ds,
      List<Sample> samples,
      Map<String, List<float[]>> generatedByName,
      int rows)
      throws IOException {
    int n = Math.min(rows, samples.size());
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      order.add(i);
    }
    java.util.Collections.shuffle(order, new java.util.Random(SAMPLES_SEED));
    List<Integer> shown = new ArrayList<>(order.subList(0, n));
    java.util.Collections.sort(shown);
    int history = samples.get(0).history().size();
    List<String> headers = new ArrayList<>();
    for (int h = 0; h < history; h++) {
      headers.add("hist " + (h + 1));
    }
    headers.add("reference");
    headers.addAll(generatedByName.keySet());
    headers.add("truth");
    int gap = 6;
    int width = headers.size() * (TILE + gap) + gap;
    int height = LABEL + n * (TILE + gap) + gap;
    BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheetGraphics(sheet);
    try {
      for (int c = 0; c < headers.size(); c++) {
        g.drawString(shorten(headers.get(c)), gap + c * (TILE + gap), LABEL - 5);
      }
      for (int r = 0; r < n; r++) {
        int index = shown.get(r);
        Sample s = samples.get(index);
        List<float[]> cells = new ArrayList<>();
        for (Interaction h : s.history()) {
          cells.add(ds.image(h.emoji(), h.style()));
        }
        cells.add(ds.image(s.reference().emoji(), s.reference().style()));
        for (List<float[]> generated : generatedByName.values()) {
          cells.add(generated.get(index));
        }
        cells.add(ds.image(s.groundTruth().emoji(), s.groundTruth().style()));
        int y = LABEL + gap + r * (TILE + gap);
        for (int c = 0; c < cells.size(); c++) {
          BufferedImage tile = StickerDataset.fromChw(cells.get(c), StickerDataset.SIZE);
          g.drawImage(tile, gap + c * (TILE + gap), y, TILE, TILE, null);
        }
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(sheet, "png", dir.resolve(SAMPLES).toFile());
  }

  /**
   * Graphics for an image grid: light grey background, pixel-exact (nearest-neighbour) scaling of
   * the 32 px tiles, small dark labels.
   */
  public static Graphics2D sheetGraphics(BufferedImage sheet) {
    Graphics2D g = sheet.createGraphics();
    g.setColor(new Color(0xEEEEEE));
    g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    return g;
  }

  private static String shorten(String text) {
    return text.length() > 11 ? text.substring(0, 10) + "…" : text;
  }
}
