package io.pigeonstreams.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;
import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Interaction;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.model.HalfWeights;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.PigeonNet;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.TokenizerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import me.tongfei.progressbar.ProgressBar;

/**
 * Stage 1, masked preference reconstruction (§2.2.4, Eq. 8–9): for each training window the last
 * image is the target; the reference is the target itself, masked with alpha_r ~ U(0, 1)
 * (high-score tokens, the training phase of the dual mask); the loss is the negative log-likelihood
 * of the target's visual tokens. Only TRAIN samples, so no held-out pair is ever seen.
 */
public final class SftTrainer {

  public static final String NAME = "pigeon-sft";

  /** The ablation trained and run without the history mask (alpha_h = 0). */
  public static final String NOMASK = "pigeon-nomask";

  /** Settings; the defaults are what the committed stage-1 model was trained with. */
  public record Settings(
      int epochs,
      int batchSize,
      float learningRate,
      long seed,
      long simulationSeed,
      double noise,
      int maxSteps) {
    public static Settings defaults() {
      return new Settings(8, 32, 1e-3f, 13L, 1L, 0.2, Integer.MAX_VALUE);
    }
  }

  public record Report(int samples, int steps, double firstLoss, double lastLoss, long millis) {}

  private SftTrainer() {}

  /** Consumes the random draws of one epoch without training: what resuming skips. */
  private static void replayEpoch(List<Sample> samples, Random rng, int batchSize) {
    Collections.shuffle(new ArrayList<>(samples), rng);
    for (int from = 0; from < samples.size(); from += batchSize) {
      rng.nextDouble(); // alpha_r of the batch
    }
  }

  public static Report train(
      StickerDataset ds,
      PigeonTokenizer tokenizer,
      PigeonConfig config,
      Settings settings,
      Path outDir,
      String name,
      boolean progress)
      throws IOException {
    return train(ds, tokenizer, config, settings, outDir, name, false, progress);
  }

  /**
   * @param resume continue from the last epoch checkpoint in {@code outDir/<name>.resume/}, if any
   */
  public static Report train(
      StickerDataset ds,
      PigeonTokenizer tokenizer,
      PigeonConfig config,
      Settings settings,
      Path outDir,
      String name,
      boolean resume,
      boolean progress)
      throws IOException {
    long start = System.currentTimeMillis();
    TokenTable tokens = TokenTable.of(ds, tokenizer);
    float[] codebook = tokenizer.normalizedCodebook();
    int codeDim = tokenizer.config().codeDim();
    List<Sample> samples =
        new UserSimulator(ds)
            .simulate(SimulationConfig.defaults(settings.simulationSeed(), settings.noise()))
            .samples(Split.TRAIN);
    int historySize = samples.get(0).history().size();
    Engine.getInstance().setRandomSeed((int) settings.seed());
    Random rng = new Random(settings.seed());
    int stepsPerEpoch = (samples.size() + settings.batchSize() - 1) / settings.batchSize();
    int totalSteps = Math.min(settings.maxSteps(), settings.epochs() * stepsPerEpoch);
    double firstLoss = Double.NaN;
    double recent = 0;
    int recentCount = 0;
    int step = 0;
    Checkpoint checkpoint = new Checkpoint(outDir, name);
    String fingerprint = settings + " " + config;
    Checkpoint.Progress done =
        resume ? checkpoint.progress().orElse(new Checkpoint.Progress(0, 0, fingerprint)) : null;
    if (done != null && !done.settings().equals(fingerprint)) {
      throw new IllegalArgumentException(
          "cannot resume: the checkpoint in "
              + outDir
              + " was made with "
              + done.settings()
              + ", this run has "
              + fingerprint);
    }
    try (Model model = Model.newInstance(name)) {
      PigeonNet net =
          new PigeonNet(config, TokenizerConfig.TOKENS, tokenizer.config().codebookSize());
      model.setBlock(net);
      Shape[] shapes = PigeonInputs.shapes(historySize, codeDim, config);
      int firstEpoch = 0;
      if (done != null && done.epochs() > 0) {
        net.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, shapes);
        checkpoint.loadInto(model);
        firstEpoch = done.epochs();
        step = done.steps();
        for (int epoch = 0; epoch < firstEpoch; epoch++) {
          replayEpoch(samples, rng, settings.batchSize()); // same data order and alpha_r draws
        }
      }
      Tracker cosine =
          Tracker.cosine()
              .setBaseValue(settings.learningRate())
              .optFinalValue(settings.learningRate() / 20f)
              .setMaxUpdates(Math.max(1, totalSteps))
              .build();
      int offset = step;
      DefaultTrainingConfig trainingConfig =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optOptimizer(
                  Optimizer.adamW()
                      .optLearningRateTracker(
                          (Tracker) update -> cosine.getNewValue(update + offset))
                      .build());
      try (Trainer trainer = model.newTrainer(trainingConfig);
          ProgressBar bar = progress ? new ProgressBar("Stage 1 (SFT)", totalSteps) : null) {
        trainer.initialize(shapes); // keeps resumed weights
        if (bar != null) {
          bar.stepTo(step);
        }
        training:
        for (int epoch = firstEpoch; epoch < settings.epochs(); epoch++) {
          if (epoch > firstEpoch) {
            checkpoint.save(model, new Checkpoint.Progress(epoch, step, fingerprint));
          }
          List<Sample> order = new ArrayList<>(samples);
          Collections.shuffle(order, rng);
          for (int from = 0; from < order.size(); from += settings.batchSize()) {
            if (step >= totalSteps) {
              break training;
            }
            List<Sample> batch =
                order.subList(from, Math.min(order.size(), from + settings.batchSize()));
            List<PigeonInputs.Prompt> prompts = new ArrayList<>();
            int[] targets = new int[batch.size() * TokenizerConfig.TOKENS];
            for (int i = 0; i < batch.size(); i++) {
              Sample s = batch.get(i);
              int[] target = tokens.of(s.target());
              List<int[]> history = new ArrayList<>();
              for (Interaction h : s.history()) {
                history.add(tokens.of(h));
              }
              // Eq. 8: the target itself is the reference, masked below with alpha_r ~ U(0, 1)
              prompts.add(
                  new PigeonInputs.Prompt(
                      history, target, ds.emoji().get(s.target().emoji()).name()));
              System.arraycopy(
                  target, 0, targets, i * TokenizerConfig.TOKENS, TokenizerConfig.TOKENS);
            }
            PairList<String, Object> alphas = new PairList<>();
            alphas.add(PigeonNet.ALPHA_H, config.alphaH());
            alphas.add(PigeonNet.ALPHA_R, rng.nextDouble());
            try (NDManager m = trainer.getManager().newSubManager()) {
              NDList in = PigeonInputs.build(m, prompts, historySize, codebook, codeDim, config);
              NDArray y = m.create(targets, new Shape(batch.size(), TokenizerConfig.TOKENS));
              try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList out = net.forward(new ParameterStore(m, false), in, true, alphas);
                NDArray loss = PigeonNet.reconstructionLoss(out.get(0), y); // Eq. 9
                gc.backward(loss);
                double v = loss.getFloat();
                if (Double.isNaN(firstLoss)) {
                  firstLoss = v;
                }
                if (step >= totalSteps - 20) {
                  recent += v;
                  recentCount++;
                }
                if (bar != null) {
                  bar.setExtraMessage(String.format(" loss %.3f", v));
                }
              }
              trainer.step();
            }
            step++;
            if (bar != null) {
              bar.step();
            }
          }
        }
      }
      HalfWeights.save(net, HalfWeights.file(outDir, name));
      checkpoint.delete();
    }
    return new Report(
        samples.size(),
        step,
        firstLoss,
        recent / Math.max(1, recentCount),
        System.currentTimeMillis() - start);
  }
}
