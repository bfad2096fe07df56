package io.pigeonstreams.cli;

import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.TokenizerConfig;
import io.pigeonstreams.train.ModelCard;
import io.pigeonstreams.train.SftTrainer;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "sft",
    mixinStandardHelpOptions = true,
    description =
        "Stage 1: masked preference reconstruction of the Pigeon network on TRAIN samples"
            + " (needs tokenizer v2 and the taste encoder in --out).")
final class TrainSftCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Mixin TrainingOptions training;

  @Option(
      names = "--no-mask",
      description =
          "Train the ablation without the history mask (alpha_h = 0), saved as "
              + SftTrainer.NOMASK
              + ".")
  boolean noMask;

  @Option(
      names = "--resume",
      description =
          "Continue an interrupted run from its last epoch checkpoint (--out/<name>.resume/).")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    StickerDataset ds = data.load();
    SftTrainer.Settings d = SftTrainer.Settings.defaults();
    SftTrainer.Settings s =
        new SftTrainer.Settings(
            training.epochs(d.epochs()),
            d.batchSize(),
            d.learningRate(),
            d.seed(),
            d.simulationSeed(),
            d.noise(),
            training.maxSteps(),
            d.crossFraction());
    PigeonConfig c = noMask ? PigeonConfig.defaults().withAlphaH(0) : PigeonConfig.defaults();
    String name = noMask ? SftTrainer.NOMASK : SftTrainer.NAME;
    try (PigeonTokenizer tokenizer =
        PigeonTokenizer.load(training.out, PigeonTokenizer.NAME_V2, TokenizerConfig.v2(), null)) {
      SftTrainer.Report r = SftTrainer.train(ds, tokenizer, c, s, training.out, name, resume, true);
      String card =
          ModelCard.fill(
              "sft",
              Map.of(
                  "ablation", noMask ? ", ablation without the history mask" : "",
                  "flags", noMask ? " --no-mask" : "",
                  "config", c,
                  "settings", s,
                  "report", r));
      TrainingOptions.writeCard(training.out.resolve(name + ".md"), card);
    }
    return 0;
  }
}
