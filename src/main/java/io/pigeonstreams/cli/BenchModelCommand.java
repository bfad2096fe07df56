package io.pigeonstreams.cli;

import io.pigeonstreams.bench.model.ModelBench;
import io.pigeonstreams.data.StickerDataset;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pigeon-streams bench model}: the options; the benchmark is {@link ModelBench}. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = {
      "Inference cost of the Pigeon model: ms per image and images/s per batch size, peak memory."
          + " Prints a table and writes OUT/bench-model.csv (name,value,unit)."
    })
final class BenchModelCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Option(
      names = "--batch-sizes",
      split = ",",
      defaultValue = "1,2,4,8,16,32,64",
      description = "Batch sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> batchSizes;

  @Option(
      names = "--images",
      defaultValue = "512",
      description = "Images generated per batch size, after warm-up (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(
      names = "--model",
      defaultValue = "models/pigeon",
      description = "Model folder (default: ${DEFAULT-VALUE}).")
  Path modelDir;

  @Option(
      names = "--checkpoint",
      defaultValue = "pigeon",
      description = "Checkpoint name (default: ${DEFAULT-VALUE}).")
  String checkpoint;

  @Option(
      names = "--data",
      defaultValue = "data",
      description = "Dataset folder (default: ${DEFAULT-VALUE}).")
  Path data;

  @Override
  public Integer call() throws Exception {
    ModelBench.Settings settings;
    try {
      settings = new ModelBench.Settings(modelDir, checkpoint, batchSizes, images, out);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    new ModelBench(settings, System.out).run(StickerDataset.load(data));
    return 0;
  }
}
