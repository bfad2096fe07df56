package io.pigeonstreams.cli;

import io.pigeonstreams.bench.model.ModelBench;
import io.pigeonstreams.generate.pigeon.PigeonComponents;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pigeon-streams bench model}: the options; the benchmark is {@link ModelBench}. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = {
      "Inference cost of the Pigeon model: ms per image and images/s per batch size, peak memory."
          + " Prints a table and writes OUT/bench-model.csv (name,value,unit)."
    })
final class BenchModelCommand implements Callable<Integer> {

  @Mixin BenchOptions common;

  @Mixin ModelOption model;

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
      names = "--checkpoint",
      defaultValue = PigeonComponents.DEFAULT_CHECKPOINT,
      description = "Checkpoint name (default: ${DEFAULT-VALUE}).")
  String checkpoint;

  @Override
  public Integer call() throws Exception {
    ModelBench.Settings settings =
        common.settings(
            () -> new ModelBench.Settings(model.dir, checkpoint, batchSizes, images, common.out));
    new ModelBench(settings, System.out).run(common.data.load());
    return 0;
  }
}
