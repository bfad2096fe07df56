package io.pigeonstreams.cli;

import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.eval.metrics.Reconstruction;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.TokenizerConfig;
import io.pigeonstreams.train.ModelCard;
import io.pigeonstreams.train.TokenizerTrainer;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "tokenizer",
    mixinStandardHelpOptions = true,
    description =
        "Train Pigeon's visual tokenizer and decoder (VQ autoencoder, 16 tokens per 32x32 image)"
            + " on TRAIN-pair images; reports reconstruction on held-out images.")
final class TrainTokenizerCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Mixin TrainingOptions training;

  @Override
  public Integer call() throws Exception {
    long start = System.currentTimeMillis();
    StickerDataset ds = data.load();
    TokenizerTrainer.Settings d = TokenizerTrainer.Settings.defaults();
    TokenizerTrainer.Settings s =
        new TokenizerTrainer.Settings(
            training.epochs(d.epochs()), d.batchSize(), d.learningRate(), d.seed());
    TokenizerConfig config = TokenizerConfig.defaults();
    TokenizerTrainer.Report r =
        TokenizerTrainer.train(ds, config, s, training.out, true, training.maxSteps());
    Reconstruction heldOut;
    try (PigeonTokenizer tokenizer = PigeonTokenizer.load(training.out, config)) {
      heldOut = Reconstruction.of(tokenizer, ds, ds.pairs(Split.TEST));
    }
    String card =
        ModelCard.fill(
            "tokenizer",
            Map.of(
                "config", config,
                "settings", s,
                "report", r,
                "heldOut", heldOut,
                "millis", System.currentTimeMillis() - start));
    TrainingOptions.writeCard(training.out.resolve("tokenizer.md"), card);
    return 0;
  }
}
