package io.pigeonstreams.cli;

import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.train.ReactionTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "reactions",
    mixinStandardHelpOptions = true,
    description =
        "Train the simulated users' reaction model (style and category of an image; its own"
            + " network and seed, TRAIN pairs only; never a judge); writes"
            + " reaction-model-0000.params and reaction-model.md.")
final class TrainReactionsCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Option(
      names = "--out",
      defaultValue = "models/reactions",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--epochs", description = "Epochs (default: what the committed model used).")
  Integer epochs;

  @Option(names = "--max-steps", description = "Stop after this many steps (a quick check).")
  Integer maxSteps;

  @Override
  public Integer call() throws Exception {
    StickerDataset ds = data.load();
    ReactionTrainer.Settings d = ReactionTrainer.Settings.defaults();
    ReactionTrainer.Settings s =
        new ReactionTrainer.Settings(
            epochs == null ? d.epochs() : epochs,
            d.batchSize(),
            d.learningRate(),
            d.seed(),
            maxSteps == null ? d.maxSteps() : maxSteps);
    ReactionTrainer.Report r = ReactionTrainer.train(ds, s, out, true);
    String card =
        String.format(
            Locale.ROOT,
            "# Reaction model (simulated users)%n%n"
                + "Written by `java -jar target/pigeon-streams.jar train reactions`. The simulated"
                + " users' own eyes (`data/simulation/reaction/ReactionNet`: two strided"
                + " convolutions without normalization, mean and max pooling, one hidden layer,"
                + " a style head and a category head; unlike the judges' VGG network), seed %d,"
                + " trained on the %d TRAIN (emoji, style) pairs only. A user likes an image with"
                + " probability 0.05 + 0.9 * p(its preferred style) * (0.5 + 0.5 * p(one of its"
                + " categories)) and skips it otherwise. Used only to produce reactions, as real"
                + " users would; never by the generator, the scorer or a training stage.%n%n"
                + "| | TRAIN pairs | TEST pairs (held out) |%n|---|---:|---:|%n"
                + "| images | %d | %d |%n| style accuracy | %.3f | %.3f |%n"
                + "| category accuracy | %.3f | %.3f |%n%n"
                + "%d steps (%d epochs, batch %d, Adam, cosine from %.0e), loss %.3f -> %.3f,"
                + " %.1f min on 2 CPU cores.%n",
            s.seed(),
            r.trainImages(),
            r.trainImages(),
            r.heldOutImages(),
            r.trainStyle(),
            r.heldOutStyle(),
            r.trainCategory(),
            r.heldOutCategory(),
            r.steps(),
            s.epochs(),
            s.batchSize(),
            s.learningRate(),
            r.firstLoss(),
            r.lastLoss(),
            r.millis() / 60000.0);
    Files.writeString(out.resolve("reaction-model.md"), card);
    System.out.print(card);
    return 0;
  }
}
