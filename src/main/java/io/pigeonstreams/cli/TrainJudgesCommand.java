package io.pigeonstreams.cli;

import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.eval.judge.JudgeCard;
import io.pigeonstreams.eval.judge.JudgeTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "judges",
    mixinStandardHelpOptions = true,
    description =
        "Train the benchmark's style and identity judges on real TRAIN-pair images only and"
            + " write them (and their model card) to --out.")
final class TrainJudgesCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Option(
      names = "--out",
      defaultValue = "models/judges",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--only",
      description = "Train just one judge: STYLE or IDENTITY (default: both).")
  JudgeTrainer.Kind only;

  @Option(names = "--epochs-style", description = "Epochs for the style judge (default 20).")
  Integer epochsStyle;

  @Option(names = "--epochs-identity", description = "Epochs for the identity judge (default 60).")
  Integer epochsIdentity;

  @Override
  public Integer call() throws Exception {
    StickerDataset ds = data.load();
    List<JudgeTrainer.Report> reports = new ArrayList<>();
    for (JudgeTrainer.Kind kind : JudgeTrainer.Kind.values()) {
      if (only != null && only != kind) {
        continue;
      }
      JudgeTrainer.Settings d = JudgeTrainer.Settings.defaults(kind);
      JudgeTrainer.Settings s =
          new JudgeTrainer.Settings(
              TrainingOptions.positive(
                  kind == JudgeTrainer.Kind.STYLE ? "--epochs-style" : "--epochs-identity",
                  kind == JudgeTrainer.Kind.STYLE ? epochsStyle : epochsIdentity,
                  d.epochs()),
              d.batchSize(),
              d.learningRate(),
              d.seed(),
              d.maxShift(),
              d.maxSteps());
      JudgeTrainer.Report r = JudgeTrainer.train(ds, kind, s, out, true);
      reports.add(r);
      System.out.printf(
          Locale.ROOT,
          "%s: %d epochs, train accuracy %.3f on %d images; held-out accuracy %.3f (top-5 %.3f)"
              + " on %d images; %.1f min%n",
          r.kind(),
          s.epochs(),
          r.trainAccuracy(),
          r.trainImages(),
          r.heldOutAccuracy(),
          r.heldOutTop5(),
          r.heldOutImages(),
          r.millis() / 60000.0);
    }
    JudgeCard.write(out, reports);
    return 0;
  }
}
