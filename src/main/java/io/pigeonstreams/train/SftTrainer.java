package io.pigeonstreams.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
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
    List<Sample> samples =
        new UserSimulator(ds)
            .simulate(SimulationConfig.defaults(settings.simulationSeed(), settings.noise()))
            .samples(Split.TRAIN);
    Engine.getInstance().setRandomSeed((int) settings.seed());
    Stage stage = new Stage(ds, tokens, tokenizer, config, samples, settings);
    TrainingLoop.Result r =
        TrainingLoop.train(
            stage,
            TrainingLoop.Schedule.epochs(
                settings.epochs(),
                samples.size(),
                settings.batchSize(),
                settings.maxSteps(),
                settings.learningRate(),
                20f),
            new TrainingLoop.Run(
                name, outDir, "Stage 1 (SFT)", progress, true, resume, settings + " " + config));
    return new Report(
        samples.size(),
        r.steps(),
        r.firstLoss(),
        r.recentLoss(),
        System.currentTimeMillis() - start);
  }

  /** One batch: its samples and the alpha_r its references are masked with. */
  private record Batch(List<Sample> samples, double alphaR) {}

  private static final class Stage implements TrainingLoop.Stage<Batch> {
    private final StickerDataset ds;
    private final TokenTable tokens;
    private final PigeonConfig config;
    private final List<Sample> samples;
    private final int batchSize;
    private final int historySize;
    private final float[] codebook;
    private final int codeDim;
    private final PigeonNet net;
    private final Random rng;

    Stage(
        StickerDataset ds,
        TokenTable tokens,
        PigeonTokenizer tokenizer,
        PigeonConfig config,
        List<Sample> samples,
        Settings settings) {
      this.ds = ds;
      this.tokens = tokens;
      this.config = config;
      this.samples = samples;
      this.batchSize = settings.batchSize();
      this.historySize = samples.get(0).history().size();
      this.codebook = tokenizer.normalizedCodebook();
      this.codeDim = tokenizer.config().codeDim();
      this.net = new PigeonNet(config, TokenizerConfig.TOKENS, tokenizer.config().codebookSize());
      this.rng = new Random(settings.seed());
    }

    @Override
    public Block block() {
      return net;
    }

    @Override
    public Shape[] inputShapes() {
      return PigeonInputs.shapes(historySize, codeDim, config);
    }

    @Override
    public Optimizer optimizer(Tracker learningRate) {
      return Optimizer.adamW().optLearningRateTracker(learningRate).build();
    }

    /** A shuffle of the samples, then one alpha_r ~ U(0, 1) per batch (Eq. 8). */
    @Override
    public Iterable<Batch> batches(int epoch) {
      List<Sample> order = new ArrayList<>(samples);
      Collections.shuffle(order, rng);
      List<Batch> batches = new ArrayList<>();
      for (int from = 0; from < order.size(); from += batchSize) {
        batches.add(
            new Batch(
                order.subList(from, Math.min(order.size(), from + batchSize)), rng.nextDouble()));
      }
      return batches;
    }

    @Override
    public NDList loss(Trainer trainer, NDManager m, Batch batch) {
      List<PigeonInputs.Prompt> prompts = new ArrayList<>();
      int[] targets = new int[batch.samples().size() * TokenizerConfig.TOKENS];
      for (int i = 0; i < batch.samples().size(); i++) {
        Sample s = batch.samples().get(i);
        int[] target = tokens.of(s.target());
        List<int[]> history = new ArrayList<>();
        for (Interaction h : s.history()) {
          history.add(tokens.of(h));
        }
        // Eq. 8: the target itself is the reference, masked with alpha_r ~ U(0, 1)
        prompts.add(
            new PigeonInputs.Prompt(history, target, ds.emoji().get(s.target().emoji()).name()));
        System.arraycopy(target, 0, targets, i * TokenizerConfig.TOKENS, TokenizerConfig.TOKENS);
      }
      PairList<String, Object> alphas = new PairList<>();
      alphas.add(PigeonNet.ALPHA_H, config.alphaH());
      alphas.add(PigeonNet.ALPHA_R, batch.alphaR());
      NDList in = PigeonInputs.build(m, prompts, historySize, codebook, codeDim, config);
      NDArray y = m.create(targets, new Shape(batch.samples().size(), TokenizerConfig.TOKENS));
      NDList out = net.forward(new ParameterStore(m, false), in, true, alphas);
      return new NDList(PigeonNet.reconstructionLoss(out.get(0), y)); // Eq. 9
    }

    @Override
    public void save(Model model, Path outDir) throws IOException {
      HalfWeights.save(net, HalfWeights.file(outDir, model.getName()));
    }
  }
}
