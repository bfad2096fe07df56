package io.pigeonstreams.cli;

import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.train.ModelCard;
import io.pigeonstreams.train.ScorerTrainer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "scorer",
    mixinStandardHelpOptions = true,
    description =
        "Train the production scorer's taste encoder contrastively from TRAIN interaction"
            + " windows (no labels); writes style-encoder-0000.params and scorer.md to --out.")
final class TrainScorerCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Option(
      names = "--out",
      defaultValue = "models/pigeon",
      description = "Model folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--steps", description = "Training steps (default 1500).")
  Integer steps;

  @Override
  public Integer call() throws Exception {
    StickerDataset ds = data.load();
    ScorerTrainer.Settings d = ScorerTrainer.Settings.defaults();
    ScorerTrainer.Settings s =
        new ScorerTrainer.Settings(
            TrainingOptions.positive("--steps", steps, d.steps()),
            d.batchSize(),
            d.learningRate(),
            d.temperature(),
            d.seed());
    ScorerTrainer.Report r = ScorerTrainer.train(ds, s, out, true);
    String card = ModelCard.fill("scorer", Map.of("settings", s, "report", r));
    TrainingOptions.writeCard(out.resolve("scorer.md"), card);
    return 0;
  }
}
