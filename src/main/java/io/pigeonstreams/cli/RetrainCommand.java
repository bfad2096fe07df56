package io.pigeonstreams.cli;

import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.ModelStore;
import io.pigeonstreams.eval.MetricsRow;
import io.pigeonstreams.loop.Retraining;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.train.PreferenceTuning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "retrain",
    mixinStandardHelpOptions = true,
    description = {
      "Make a new model version from the preference pairs on the cluster: DPO from the current"
          + " version on the preference-pairs topic (user feedback weighted x3), scored on VAL"
          + " against the current one, published to the model store and announced on"
          + " model-updates only when not worse beyond the tolerance. Exit code 3: not published.",
      "Configuration as for run: --config FILE, then PIGEON_* variables."
    })
final class RetrainCommand implements Callable<Integer> {

  @Mixin DataOption data;

  @Option(names = "--config", description = "Properties file (same keys as the engine's).")
  Path config;

  @Option(
      names = "--from",
      defaultValue = "models/pigeon",
      description = "Folder of the serving version (default: ${DEFAULT-VALUE}).")
  Path from;

  @Option(
      names = "--checkpoint",
      defaultValue = "pigeon-sft",
      description = "Its checkpoint name (default: ${DEFAULT-VALUE}).")
  String checkpoint;

  @Option(names = "--since", description = "Only pairs written at or after this ISO-8601 time.")
  Instant since;

  @Option(
      names = "--val-samples",
      defaultValue = "300",
      description = "VAL samples both versions are scored on (default: ${DEFAULT-VALUE}).")
  int valSamples;

  @Option(
      names = "--tolerance",
      defaultValue = "0.01",
      description = "How much lower the new VAL overall may be (default: ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(
      names = "--judges",
      defaultValue = "models/judges",
      description = "Judge weights (default: ${DEFAULT-VALUE}).")
  Path judges;

  @Override
  public Integer call() throws Exception {
    EngineConfig c = EngineConfig.load(config, System.getenv());
    String version =
        checkpoint + "@" + PigeonModel.digest(PigeonModel.weightsFile(from, checkpoint));
    Retraining.Settings d = Retraining.Settings.defaults();
    Retraining.Outcome out =
        Retraining.run(
            c.get("bootstrap.servers"),
            c.asMap(),
            data.load(),
            judges,
            from,
            checkpoint,
            version,
            new ModelStore(Path.of(c.get("pigeon.model.store"))),
            Files.createTempDirectory("pigeon-retrain"),
            new Retraining.Settings(
                d.feedbackWeight(),
                tolerance,
                valSamples,
                since,
                PreferenceTuning.Settings.defaults()),
            true);
    System.out.printf(
        Locale.ROOT,
        "pairs: %d from user feedback (x%d), %d from the model's scores, %d left out%n",
        out.feedbackPairs(),
        d.feedbackWeight(),
        out.modelPairs(),
        out.skipped());
    if (out.current() != null) {
      System.out.println(row("current  " + version, out.current()));
      System.out.println(row("candidate", out.candidate()));
    }
    System.out.println(
        out.published()
            ? "published and announced "
                + out.update().getVersion()
                + " ("
                + out.update().getLocation()
                + ")"
            : "not published: " + out.reason());
    return out.published() ? 0 : 3;
  }

  private static String row(String name, MetricsRow r) {
    return String.format(
        Locale.ROOT,
        "%s  VAL (%d): style %.3f  identity top-5 %.3f  overall %.3f",
        name,
        r.samples(),
        r.styleAcc(),
        r.identityTop5(),
        r.overall());
  }
}
