package io.pigeonstreams.eval.judge;

import io.pigeonstreams.train.ModelCard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The judges' model card, {@code README.md} beside their weights, from one line per judge in {@code
 * judges.tsv}, merged by judge so that one judge can be retrained alone.
 */
public final class JudgeCard {

  private static final String HEADER =
      "judge\tepochs\ttrain_images\ttrain_acc\theld_out_images\theld_out_top1\theld_out_top5"
          + "\tminutes\n";

  private JudgeCard() {}

  /** Merges the reports into {@code out/judges.tsv}, writes {@code out/README.md}, returns it. */
  public static String write(Path out, List<JudgeTrainer.Report> reports) throws IOException {
    Path tsv = out.resolve("judges.tsv");
    Map<String, String> lines = new TreeMap<>(Comparator.reverseOrder());
    if (Files.isRegularFile(tsv)) {
      for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
        if (!line.isBlank() && !line.startsWith("judge\t")) {
          lines.put(line.split("\t")[0], line);
        }
      }
    }
    for (JudgeTrainer.Report r : reports) {
      String name = r.kind().name().toLowerCase(Locale.ROOT);
      lines.put(
          name,
          String.format(
              Locale.ROOT,
              "%s\t%d\t%d\t%.3f\t%d\t%.3f\t%.3f\t%.1f",
              name,
              r.epochs(),
              r.trainImages(),
              r.trainAccuracy(),
              r.heldOutImages(),
              r.heldOutAccuracy(),
              r.heldOutTop5(),
              r.millis() / 60000.0));
    }
    StringBuilder tsvText = new StringBuilder(HEADER);
    StringBuilder rows = new StringBuilder();
    for (String line : lines.values()) {
      tsvText.append(line).append('\n');
      rows.append("| ").append(String.join(" | ", line.split("\t"))).append(" min |\n");
    }
    Files.writeString(tsv, tsvText.toString(), StandardCharsets.UTF_8);
    return ModelCard.write(
        out.resolve("README.md"), ModelCard.fill("judges", Map.of("rows", rows.toString())));
  }
}
