package io.pigeonstreams.cli;

import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.eval.metrics.Reconstruction;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.StyleEncoder;
import io.pigeonstreams.model.TokenizerConfig;
import io.pigeonstreams.train.FeatureLoss;
import io.pigeonstreams.train.ModelCard;
import io.pigeonstreams.train.TokenizerTrainer;
import io.pigeonstreams.train.TrainingLoop;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "tokenizer",
    mixinStandardHelpOptions = true,
    description =
        "Train a visual tokenizer and decoder (the first: VQ, 16 tokens per 32x32 image;"
            + " --v2, Pigeon's: FSQ, 64 tokens)"
            + " on TRAIN-pair images; reports reconstruction on held-out images.")
final class TrainTokenizerCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Mixin TrainingOptions training;

  @Option(
      names = "--v2",
      description =
          "Tokenizer v2: FSQ (levels 8,5,5,5), an 8x8 grid (64 tokens), a feature loss from the"
              + " taste encoder; written as tokenizer-v2-0000.params with checkpoints.")
  boolean v2;

  @Option(
      names = "--feature-weight",
      defaultValue = "0.1",
      description = "v2: weight of the taste encoder's feature loss (default: ${DEFAULT-VALUE}).")
  float featureWeight;

  @Option(
      names = "--resume",
      description = "v2: continue an interrupted run from its last epoch checkpoint.")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    long start = System.currentTimeMillis();
    StickerDataset ds = data.load();
    TokenizerTrainer.Settings d =
        v2 ? TokenizerTrainer.Settings.v2() : TokenizerTrainer.Settings.defaults();
    TokenizerTrainer.Settings s =
        new TokenizerTrainer.Settings(
            training.epochs(d.epochs()), d.batchSize(), d.learningRate(), d.seed());
    TokenizerConfig config = v2 ? TokenizerConfig.v2() : TokenizerConfig.v1();
    String name = v2 ? PigeonTokenizer.NAME_V2 : PigeonTokenizer.NAME;
    TokenizerTrainer.Report r;
    if (v2) {
      try (StyleEncoder taste = StyleEncoder.load(training.out)) {
        r =
            TokenizerTrainer.train(
                ds,
                config,
                s,
                featureWeight > 0 ? new FeatureLoss(taste, featureWeight) : null,
                new TrainingLoop.Run(
                    name,
                    training.out,
                    "Training tokenizer v2",
                    true,
                    true,
                    resume,
                    s + " " + config + " " + featureWeight),
                training.maxSteps());
      }
    } else {
      r = TokenizerTrainer.train(ds, config, s, training.out, true, training.maxSteps());
    }
    Reconstruction heldOut;
    try (PigeonTokenizer tokenizer = PigeonTokenizer.load(training.out, name, config, null)) {
      heldOut = Reconstruction.of(tokenizer, ds, ds.pairs(Split.TEST));
    }
    String card =
        ModelCard.fill(
            v2 ? "tokenizer-v2" : "tokenizer",
            Map.of(
                "config", config,
                "settings", s,
                "report", r,
                "heldOut", heldOut,
                "featureWeight", featureWeight,
                "millis", System.currentTimeMillis() - start));
    TrainingOptions.writeCard(training.out.resolve(name + ".md"), card);
    return 0;
  }
}
