package io.pigeonstreams.cli;

import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.TokenizerConfig;
import io.pigeonstreams.train.DpoTrainer;
import io.pigeonstreams.train.ModelCard;
import io.pigeonstreams.train.SftTrainer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "dpo",
    mixinStandardHelpOptions = true,
    description =
        "Stage 2: pairwise preference alignment (DPO) of the stage-1 model in --out on TRAIN"
            + " prompts; writes pigeon-fp16.ndlist and pigeon.md.")
final class TrainDpoCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Mixin TrainingOptions training;

  @Option(
      names = "--prompts",
      description = "TRAIN prompts to build preference pairs from (default: all 11,200).")
  Integer prompts;

  @Option(
      names = "--pairs",
      description =
          "Keep the preference pairs in this file: a rerun for the same prompts reads them"
              + " instead of building them again.")
  Path pairs;

  @Option(names = "--learning-rate", description = "Peak learning rate (default 5e-5).")
  Float learningRate;

  @Option(
      names = "--alpha-r-grid",
      split = ",",
      description =
          "The alpha_r the candidates are sampled at (default: 0, 0.25, 0.5, 0.75, 1); one"
              + " value ranks candidates that differ only by sampling.")
  java.util.List<Double> grid;

  @Option(names = "--samples", description = "Candidates sampled per alpha_r (default: 2).")
  Integer samples;

  @Option(
      names = "--selection",
      description =
          "How the candidates are ranked: sum (0.5 personalization + 0.5 alignment) or balanced"
              + " (harmonic mean of the two, each normalized over the prompt's candidates)."
              + " Default: sum.")
  String selection;

  @Override
  public Integer call() throws Exception {
    if (grid != null && grid.stream().anyMatch(a -> !(a >= 0 && a <= 1))) {
      throw new IllegalArgumentException("--alpha-r-grid values must be in [0, 1], got " + grid);
    }
    StickerDataset ds = data.load();
    DpoTrainer.Settings d = DpoTrainer.Settings.defaults();
    DpoTrainer.Settings s =
        new DpoTrainer.Settings(
            training.epochs(d.epochs()),
            d.batchSize(),
            learningRate == null ? d.learningRate() : learningRate,
            d.beta(),
            d.promptAlphaR(),
            d.seed(),
            d.simulationSeed(),
            d.noise(),
            TrainingOptions.positive("--prompts", prompts, d.maxPrompts()),
            training.maxSteps(),
            TrainingOptions.positive("--samples", samples, d.samples()),
            d.temperature(),
            grid == null ? d.grid() : grid,
            selection == null
                ? d.selection()
                : io.pigeonstreams.generate.Candidates.Selection.parse(selection));
    Path out = training.out;
    DpoTrainer.Report r =
        DpoTrainer.train(
            ds,
            out,
            SftTrainer.NAME,
            PigeonConfig.defaults(),
            TokenizerConfig.v2(),
            s,
            out,
            pairs,
            true);
    String card = ModelCard.fill("dpo", Map.of("settings", s, "report", r));
    TrainingOptions.writeCard(out.resolve(DpoTrainer.NAME + ".md"), card);
    return 0;
  }
}
