package io.pigeonstreams.cli;

import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.train.UNetTrainer;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "unet",
    mixinStandardHelpOptions = true,
    description =
        "Train the direct image-to-image baseline (a conditional U-Net, no tokens) on cross-style"
            + " TRAIN windows; writes unet-fp16.ndlist.")
final class TrainUNetCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Mixin TrainingOptions training;

  @Option(names = "--resume", description = "Continue an interrupted run from its last epoch.")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    StickerDataset ds = data.load();
    UNetTrainer.Settings d = UNetTrainer.Settings.defaults();
    UNetTrainer.Settings s =
        new UNetTrainer.Settings(
            training.epochs(d.epochs()),
            d.batchSize(),
            d.learningRate(),
            d.seed(),
            d.simulationSeed(),
            d.noise());
    UNetTrainer.Report r = UNetTrainer.train(ds, s, training.out, resume, training.maxSteps());
    System.out.printf(
        Locale.ROOT,
        "U-Net baseline: %d TRAIN windows, %d steps, loss %.4f -> %.4f, %.1f min%n",
        r.samples(),
        r.steps(),
        r.firstLoss(),
        r.lastLoss(),
        r.millis() / 60000.0);
    return 0;
  }
}
