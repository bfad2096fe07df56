package io.pigeonstreams.train;

import ai.djl.engine.Engine;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.model.TokenizerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * DPO on preference pairs that come from the stream (the engine's own MODEL_SCORE pairs and users'
 * USER_FEEDBACK pairs) rather than from candidates sampled here: the current version is both the
 * policy's starting point and the frozen reference, as in stage 2 ({@link DpoStage}). An example of
 * weight w counts w times.
 */
public final class PreferenceTuning {

  /** The name the tuned weights are written under in the output folder. */
  public static final String NAME = DpoTrainer.NAME;

  /**
   * One pair with its prompt as images (history, reference) and the two token sequences.
   *
   * @param weight how many times it counts (user feedback more than the model's own scores)
   */
  public record Example(
      List<float[]> history,
      float[] reference,
      String caption,
      int[] chosen,
      int[] rejected,
      double chosenAlphaR,
      double rejectedAlphaR,
      int weight) {}

  /** Settings of a run; {@link #defaults()} are what the retraining command uses. */
  public record Settings(int epochs, int batchSize, float learningRate, float beta, long seed) {
    public static Settings defaults() {
      return new Settings(2, 16, 5e-5f, 0.1f, 29L);
    }
  }

  /**
   * @param pairs pairs trained on (weights counted)
   * @param lastAccuracy fraction of pairs in the last steps whose implicit reward margin is > 0
   */
  public record Report(
      int pairs, int steps, double firstLoss, double lastLoss, double lastAccuracy, long millis) {}

  private PreferenceTuning() {}

  /**
   * Tunes checkpoint {@code checkpoint} of {@code dir} on {@code examples}; writes {@link #NAME}
   * with the tokenizer and taste encoder beside it to {@code outDir}.
   */
  public static Report train(
      Path dir,
      String checkpoint,
      List<Example> examples,
      Settings settings,
      Path outDir,
      boolean progress)
      throws IOException {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("no preference pairs to train on");
    }
    Engine.getInstance().setRandomSeed((int) settings.seed());
    int historySize = 5;
    try (PigeonModel reference =
        PigeonModel.load(
            dir, checkpoint, PigeonConfig.defaults(), TokenizerConfig.v2(), historySize)) {
      List<DpoTrainer.Pair> pairs = new ArrayList<>();
      int chunk = 32;
      for (int from = 0; from < examples.size(); from += chunk) {
        List<Example> batch = examples.subList(from, Math.min(examples.size(), from + chunk));
        List<PigeonInputs.Prompt> prompts =
            reference.prompts(
                batch.stream().map(Example::history).toList(),
                batch.stream().map(Example::reference).toList(),
                batch.stream().map(Example::caption).toList());
        for (int i = 0; i < batch.size(); i++) {
          Example e = batch.get(i);
          for (int w = 0; w < Math.max(1, e.weight()); w++) {
            pairs.add(
                new DpoTrainer.Pair(
                    prompts.get(i),
                    e.chosen(),
                    e.rejected(),
                    e.chosenAlphaR(),
                    e.rejectedAlphaR(),
                    0));
          }
        }
      }
      DpoTrainer.Settings d = DpoTrainer.Settings.defaults();
      DpoTrainer.Settings dpo =
          new DpoTrainer.Settings(
              settings.epochs(),
              settings.batchSize(),
              settings.learningRate(),
              settings.beta(),
              d.promptAlphaR(),
              settings.seed(),
              d.simulationSeed(),
              d.noise(),
              pairs.size(),
              Integer.MAX_VALUE,
              d.samples(),
              d.temperature(),
              d.grid(),
              d.selection());
      Files.createDirectories(outDir);
      for (String shared : PigeonModel.COMPANION_FILES) {
        Files.copy(
            dir.resolve(shared), outDir.resolve(shared), StandardCopyOption.REPLACE_EXISTING);
      }
      TrainingLoop.Result t =
          TrainingLoop.train(
              new DpoStage(reference, dir, checkpoint, pairs, dpo),
              TrainingLoop.Schedule.epochs(
                  dpo.epochs(),
                  pairs.size(),
                  dpo.batchSize(),
                  Integer.MAX_VALUE,
                  dpo.learningRate(),
                  10f),
              TrainingLoop.Run.of(NAME, outDir, "Retraining (DPO)", progress));
      return new Report(
          pairs.size(), t.steps(), t.firstLoss(), t.recentLoss(), t.recentMetric(0), t.millis());
    }
  }
}
