package io.pigeonstreams.train;

import ai.djl.engine.Engine;
import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.data.simulation.SampleImages;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.generate.Candidates;
import io.pigeonstreams.generate.pigeon.EncoderScorer;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.model.TokenizerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import me.tongfei.progressbar.ProgressBar;

/**
 * Stage 2, pairwise preference alignment (§2.2.4, Eq. 10). For each TRAIN prompt (history, the
 * reference drawn in another style, its caption) the frozen stage-1 model samples candidates: for
 * each alpha_r of {@link #GRID}, {@code Settings.samples} decodings at the sampling temperature, so
 * that candidates really differ. Each is rewarded as the engine chooses among candidates: 0.5
 * personalization (mean similarity to the history under the production scorer's taste encoder) +
 * 0.5 alignment to the reference ({@link EncoderScorer}; never a benchmark judge); the best is
 * chosen, the worst rejected. The policy, initialized from stage 1, is then trained with DPO
 * against the frozen stage-1 reference ({@link DpoStage}).
 */
public final class DpoTrainer {

  public static final String NAME = "pigeon";

  /** The alpha_r of the stage-2 candidates by default. */
  public static final List<Double> GRID = Candidates.alphaRGrid(5);

  /**
   * Settings; the defaults are what the committed stage-2 model was trained with.
   *
   * @param promptAlphaR the reference mask ratio of the prompt the pairs are scored under
   * @param maxPrompts TRAIN prompts used (all by default)
   * @param samples candidates sampled per alpha_r
   * @param temperature the candidates' sampling temperature
   * @param grid the alpha_r the candidates are sampled at
   * @param selection how the candidates are ranked (chosen = best, rejected = worst)
   */
  public record Settings(
      int epochs,
      int batchSize,
      float learningRate,
      float beta,
      double promptAlphaR,
      long seed,
      long simulationSeed,
      double noise,
      int maxPrompts,
      int maxSteps,
      int samples,
      float temperature,
      List<Double> grid,
      Candidates.Selection selection) {
    public static Settings defaults() {
      return new Settings(
          2,
          32,
          5e-5f,
          0.1f,
          0.5,
          17L,
          1L,
          0.2,
          4000,
          Integer.MAX_VALUE,
          2,
          1f,
          GRID,
          Candidates.Selection.SUM);
    }
  }

  /**
   * One preference pair: the prompt, the chosen and rejected tokens, their alpha_r and reward gap.
   */
  record Pair(
      PigeonInputs.Prompt prompt,
      int[] chosen,
      int[] rejected,
      double chosenAlphaR,
      double rejectedAlphaR,
      double rewardGap) {}

  /**
   * @param pairs preference pairs built (prompts whose best and worst candidates were identical are
   *     skipped)
   * @param meanChosenAlphaR mean alpha_r of the chosen candidates
   * @param meanRejectedAlphaR mean alpha_r of the rejected ones
   * @param meanRewardGap mean reward difference chosen - rejected
   * @param firstLoss DPO loss of the first step (log 2 = 0.693 when policy = reference)
   * @param lastLoss mean loss of the last 20 steps
   * @param lastAccuracy fraction of pairs in the last 20 steps whose implicit reward margin is > 0
   */
  public record Report(
      int prompts,
      int pairs,
      double meanChosenAlphaR,
      double meanRejectedAlphaR,
      double meanRewardGap,
      int steps,
      double firstLoss,
      double lastLoss,
      double lastAccuracy,
      long pairMillis,
      long trainMillis) {}

  private DpoTrainer() {}

  /**
   * @param modelDir folder with the tokenizer and the stage-1 weights ({@code stage1Name})
   */
  public static Report train(
      StickerDataset ds,
      Path modelDir,
      String stage1Name,
      PigeonConfig config,
      TokenizerConfig tokenizerConfig,
      Settings settings,
      Path outDir,
      boolean progress)
      throws IOException {
    return train(
        ds, modelDir, stage1Name, config, tokenizerConfig, settings, outDir, null, progress);
  }

  /**
   * @param pairCache where the preference pairs are kept between runs (null: not kept): read when
   *     it was built for the same prompts, written otherwise. Building the pairs is most of a run.
   */
  public static Report train(
      StickerDataset ds,
      Path modelDir,
      String stage1Name,
      PigeonConfig config,
      TokenizerConfig tokenizerConfig,
      Settings settings,
      Path outDir,
      Path pairCache,
      boolean progress)
      throws IOException {
    long start = System.currentTimeMillis();
    List<Sample> samples =
        new ArrayList<>(
            new UserSimulator(ds)
                .simulate(SimulationConfig.defaults(settings.simulationSeed(), settings.noise()))
                .samples(Split.TRAIN));
    int historySize = samples.get(0).history().size();
    Engine.getInstance().setRandomSeed((int) settings.seed());
    Random rng = new Random(settings.seed());
    Collections.shuffle(samples, rng);
    samples = samples.subList(0, Math.min(samples.size(), settings.maxPrompts()));
    PigeonConfig sampling = config.withDecoding(config.decodeSteps(), settings.temperature());
    try (PigeonModel reference =
            PigeonModel.load(modelDir, stage1Name, sampling, tokenizerConfig, historySize);
        EncoderScorer scorer = EncoderScorer.forModel(reference)) {
      String key =
          cacheKey(
              settings,
              stage1Name
                  + "@"
                  + PigeonModel.digest(PigeonModel.weightsFile(modelDir, stage1Name))
                  + " tokenizer="
                  + reference.tokenizer().name()
                  + " alphaH="
                  + config.alphaH(),
              samples.size());
      List<Pair> pairs = pairCache == null ? null : PairCache.read(pairCache, key);
      if (pairs == null) {
        pairs = pairs(ds, reference, scorer, samples, config.alphaH(), settings, progress);
        if (pairCache != null) {
          PairCache.write(pairCache, key, pairs);
        }
      }
      long pairMillis = System.currentTimeMillis() - start;
      long trainStart = System.currentTimeMillis();
      TrainingLoop.Result t =
          TrainingLoop.train(
              new DpoStage(reference, modelDir, stage1Name, pairs, settings),
              TrainingLoop.Schedule.epochs(
                  settings.epochs(),
                  pairs.size(),
                  settings.batchSize(),
                  settings.maxSteps(),
                  settings.learningRate(),
                  10f),
              TrainingLoop.Run.of(NAME, outDir, "Stage 2 (DPO)", progress));
      double chosen = pairs.stream().mapToDouble(Pair::chosenAlphaR).average().orElse(0);
      double rejected = pairs.stream().mapToDouble(Pair::rejectedAlphaR).average().orElse(0);
      double gap = pairs.stream().mapToDouble(Pair::rewardGap).average().orElse(0);
      return new Report(
          samples.size(),
          pairs.size(),
          chosen,
          rejected,
          gap,
          t.steps(),
          t.firstLoss(),
          t.recentLoss(),
          t.recentMetric(0),
          pairMillis,
          System.currentTimeMillis() - trainStart);
    }
  }

  /** What the pairs depend on: a cache built for other prompts or another model is not used. */
  private static String cacheKey(Settings s, String stage1Name, int prompts) {
    return String.format(
        java.util.Locale.ROOT,
        "v2 stage1=%s prompts=%d seed=%d simulationSeed=%d noise=%.3f grid=%s samples=%d t=%.2f"
            + " selection=%s",
        stage1Name,
        prompts,
        s.seed(),
        s.simulationSeed(),
        s.noise(),
        s.grid(),
        s.samples(),
        s.temperature(),
        s.selection());
  }

  /**
   * Candidates sampled over the alpha_r grid from the frozen stage-1 model, ranked by the reward;
   * each candidate's seed comes from its prompt's id, so a rerun builds the same pairs.
   */
  static List<Pair> pairs(
      StickerDataset ds,
      PigeonModel reference,
      EncoderScorer scorer,
      List<Sample> samples,
      double alphaH,
      Settings settings,
      boolean progress) {
    List<Pair> pairs = new ArrayList<>();
    int chunk = 16;
    List<Double> grid = settings.grid();
    int k = grid.size() * settings.samples();
    try (ProgressBar bar = progress ? new ProgressBar("Stage 2 pairs", samples.size()) : null) {
      for (int from = 0; from < samples.size(); from += chunk) {
        List<Sample> batch = samples.subList(from, Math.min(samples.size(), from + chunk));
        SampleImages in = SampleImages.of(ds, batch);
        List<List<float[]>> histories = in.histories();
        // tokenized once, for the candidates and for the pairs' prompts
        List<PigeonInputs.Prompt> prompts =
            reference.prompts(histories, in.references(), in.captions());
        List<PigeonInputs.Prompt> rows = new ArrayList<>();
        double[] alphaR = new double[batch.size() * k];
        long[] seeds = new long[batch.size() * k];
        for (int i = 0; i < batch.size(); i++) {
          for (int c = 0; c < k; c++) {
            rows.add(prompts.get(i));
            alphaR[i * k + c] = grid.get(c / settings.samples());
            seeds[i * k + c] = settings.seed() * 1_000_003L + batch.get(i).id() * 64L + c;
          }
        }
        List<int[]> tokens =
            reference.generateTokens(rows, PigeonModel.fill(rows.size(), alphaH), alphaR, seeds);
        List<float[]> images = reference.tokenizer().decode(tokens);
        List<List<float[]>> imageHistories = new ArrayList<>();
        List<float[]> imageReferences = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
          for (int c = 0; c < k; c++) {
            imageHistories.add(histories.get(i));
            imageReferences.add(in.references().get(i));
          }
        }
        List<io.pigeonstreams.generate.PreferenceScorer.Scores> scores =
            scorer.score(images, imageHistories, imageReferences);
        for (int i = 0; i < batch.size(); i++) {
          double[] r = settings.selection().values(scores.subList(i * k, (i + 1) * k));
          int best = Candidates.best(r);
          int worst = Candidates.worst(r);
          int[] chosen = tokens.get(i * k + best);
          int[] rejected = tokens.get(i * k + worst);
          if (!Arrays.equals(chosen, rejected)) {
            pairs.add(
                new Pair(
                    prompts.get(i),
                    chosen,
                    rejected,
                    alphaR[i * k + best],
                    alphaR[i * k + worst],
                    r[best] - r[worst]));
          }
        }
        if (bar != null) {
          bar.stepBy(batch.size());
        }
      }
    }
    return pairs;
  }
}
