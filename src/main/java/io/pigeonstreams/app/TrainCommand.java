package io.pigeonstreams.app;

import io.pigeonstreams.bench.data.StickerDataset;
import io.pigeonstreams.bench.judge.JudgeTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "train",
    description = "Train models.",
    subcommands = {TrainCommand.Judges.class})
final class TrainCommand {

  @Command(
      name = "judges",
      mixinStandardHelpOptions = true,
      description =
          "Train the benchmark's style and identity judges on real TRAIN-pair images only and"
              + " write them (and their model card) to --out.")
  static final class Judges implements Callable<Integer> {
    @Option(
        names = "--data",
        defaultValue = "data",
        description = "Dataset folder (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(
        names = "--out",
        defaultValue = "models/judges",
        description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--epochs-style", description = "Epochs for the style judge (default 6).")
    Integer epochsStyle;

    @Option(
        names = "--epochs-identity",
        description = "Epochs for the identity judge (default 60).")
    Integer epochsIdentity;

    @Override
    public Integer call() throws Exception {
      StickerDataset ds = StickerDataset.load(data);
      List<JudgeTrainer.Report> reports = new ArrayList<>();
      for (JudgeTrainer.Kind kind : JudgeTrainer.Kind.values()) {
        JudgeTrainer.Settings s = JudgeTrainer.Settings.defaults(kind);
        Integer epochs = kind == JudgeTrainer.Kind.STYLE ? epochsStyle : epochsIdentity;
        if (epochs != null) {
          if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
          }
          s =
              new JudgeTrainer.Settings(
                  epochs, s.batchSize(), s.learningRate(), s.seed(), s.maxShift());
        }
        JudgeTrainer.Report r = JudgeTrainer.train(ds, kind, s, out, true);
        reports.add(r);
        System.out.println(describe(r, s));
      }
      Files.writeString(out.resolve("README.md"), modelCard(reports), StandardCharsets.UTF_8);
      return 0;
    }

    private static String describe(JudgeTrainer.Report r, JudgeTrainer.Settings s) {
      return String.format(
          Locale.ROOT,
          "%s: %d epochs, train accuracy %.3f on %d images; held-out accuracy %.3f (top-5 %.3f)"
              + " on %d images; %.1f min",
          r.kind(),
          s.epochs(),
          r.trainAccuracy(),
          r.trainImages(),
          r.heldOutAccuracy(),
          r.heldOutTop5(),
          r.heldOutImages(),
          r.millis() / 60000.0);
    }

    private static String modelCard(List<JudgeTrainer.Report> reports) {
      StringBuilder sb = new StringBuilder();
      sb.append("# Benchmark judges\n\n")
          .append("Written by `java -jar target/pigeon-streams.jar train judges`. Two small CNNs")
          .append(" (`JudgeNet`: 3 stages of two 3x3 conv + BatchNorm + ReLU, 32/64/128 channels,")
          .append(
              " global average pool to a 128-d feature, dropout, linear head), trained with DJL")
          .append(" on PyTorch (CPU) on the real 32x32 images of TRAIN (emoji, style) pairs only,")
          .append(" with random shifts of up to 2 px. They only measure: no generator is trained")
          .append(" or rewarded with them.\n\n")
          .append("Held-out images are the TEST pairs of `data/stickers/heldout.tsv`: emoji in a")
          .append(" style the judges never saw them in.\n\n")
          .append("| judge | classes | epochs | train images | train acc | held-out images |")
          .append(" held-out top-1 | held-out top-5 | wall time |\n")
          .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (JudgeTrainer.Report r : reports) {
        JudgeTrainer.Settings s = JudgeTrainer.Settings.defaults(r.kind());
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %d | %d | %.3f | %d | %.3f | %.3f | %.1f min |\n",
                r.kind().name().toLowerCase(Locale.ROOT),
                r.kind() == JudgeTrainer.Kind.STYLE ? "5 styles" : "one per emoji",
                s.epochs(),
                r.trainImages(),
                r.trainAccuracy(),
                r.heldOutImages(),
                r.heldOutAccuracy(),
                r.heldOutTop5(),
                r.millis() / 60000.0));
      }
      sb.append("\nMeasured on 2 CPU cores, DJL 0.36.0, PyTorch 2.7.1 (CPU).\n");
      return sb.toString();
    }
  }
}
