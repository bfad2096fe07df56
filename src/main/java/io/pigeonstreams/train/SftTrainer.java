package io.pigeonstreams.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
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
import io.pigeonstreams.model.MaskedTargets;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.PigeonNet;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.StyleEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Stage 1, masked preference reconstruction (§2.2.4, Eq. 8–9), trained as a masked-token model
 * (MaskGIT). Each training window gives one example per epoch, of one of two kinds:
 *
 * <ul>
 *   <li>the paper's self-reconstruction: the target is the window's last image and the reference is
 *       the target itself;
 *   <li>a cross-style pair (with probability {@code crossFraction}): the reference is the target
 *       emoji in another style, the target is it in the user's preferred style, so the model learns
 *       the actual task, redrawing an emoji in the history's style.
 * </ul>
 *
 * The reference is masked with alpha_r ~ U(0, 1) (high-score tokens, the training phase of the dual
 * mask). A random fraction cos(pi/2 u), u ~ U(0, 1), of the target's tokens is replaced by [MASK]
 * and the loss is the negative log-likelihood of those tokens. Only TRAIN samples, and only windows
 * whose reference and target are TRAIN pairs, so no held-out pair is ever seen.
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
      int maxSteps,
      double crossFraction) {
    public static Settings defaults() {
      return new Settings(20, 32, 5e-4f, 13L, 1L, 0.2, Integer.MAX_VALUE, 0.7);
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
   * @param outDir where the weights go; the taste encoder (the history's style features) is read
   *     from it
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
    TokenTable tokens;
    try (StyleEncoder taste = StyleEncoder.load(outDir)) {
      tokens = TokenTable.of(ds, tokenizer, taste);
    }
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

  private static boolean train(StickerDataset ds, Interaction i) {
    return ds.splitOf(i.emoji(), i.style()) == Split.TRAIN;
  }

  /** One example: its window, whether it is a cross-style pair, and its alpha_r. */
  private record Example(Sample sample, boolean cross, double alphaR) {
    Interaction reference() {
      return cross ? sample.reference() : sample.target();
    }

    Interaction target() {
      return cross ? sample.groundTruth() : sample.target();
    }
  }

  /** One batch of examples. */
  private record Batch(List<Example> examples) {}

  private static final class Stage implements TrainingLoop.Stage<Batch> {
    private final StickerDataset ds;
    private final TokenTable table;
    private final PigeonConfig config;
    private final List<Sample> samples;
    private final int batchSize;
    private final int historySize;
    private final int tokens;
    private final double crossFraction;
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
      this.table = tokens;
      this.config = config;
      this.samples = samples;
      this.batchSize = settings.batchSize();
      this.historySize = samples.get(0).history().size();
      this.tokens = tokenizer.config().tokens();
      this.crossFraction = settings.crossFraction();
      this.net =
          new PigeonNet(config, tokenizer.config().grid(), tokenizer.config().codebookSize());
      this.rng = new Random(settings.seed());
    }

    @Override
    public Block block() {
      return net;
    }

    @Override
    public Shape[] inputShapes() {
      return PigeonInputs.shapes(historySize, tokens, config);
    }

    @Override
    public Optimizer optimizer(Tracker learningRate) {
      return Optimizer.adamW().optLearningRateTracker(learningRate).build();
    }

    /**
     * A shuffle of the windows; each becomes a cross-style pair (when both its images are TRAIN
     * pairs) with probability crossFraction, and gets its own alpha_r ~ U(0, 1) (Eq. 8).
     */
    @Override
    public Iterable<Batch> batches(int epoch) {
      List<Sample> order = new ArrayList<>(samples);
      Collections.shuffle(order, rng);
      List<Batch> batches = new ArrayList<>();
      for (int from = 0; from < order.size(); from += batchSize) {
        List<Example> examples = new ArrayList<>();
        for (Sample s : order.subList(from, Math.min(order.size(), from + batchSize))) {
          boolean cross =
              rng.nextDouble() < crossFraction
                  && train(ds, s.reference())
                  && train(ds, s.groundTruth());
          examples.add(new Example(s, cross, rng.nextDouble()));
        }
        batches.add(new Batch(examples));
      }
      return batches;
    }

    @Override
    public NDList loss(Trainer trainer, NDManager m, Batch batch) {
      int b = batch.examples().size();
      List<PigeonInputs.Prompt> prompts = new ArrayList<>();
      List<int[]> targets = new ArrayList<>();
      List<boolean[]> masked = new ArrayList<>();
      double[] alphaR = new double[b];
      for (int i = 0; i < b; i++) {
        Example e = batch.examples().get(i);
        Sample s = e.sample();
        int[] target = table.of(e.target());
        List<int[]> history = new ArrayList<>();
        List<float[]> style = new ArrayList<>();
        for (Interaction h : s.history()) {
          history.add(table.of(h));
          style.add(table.styleOf(h));
        }
        prompts.add(
            new PigeonInputs.Prompt(
                history,
                style,
                table.of(e.reference()),
                table.styleOf(e.reference()),
                ds.emoji().get(s.target().emoji()).name()));
        alphaR[i] = e.alphaR();
        targets.add(target);
        masked.add(MaskSchedule.draw(rng, tokens));
      }
      MaskedTargets t = MaskedTargets.of(targets, masked, net.maskId());
      PairList<String, Object> alphas = new PairList<>();
      alphas.add(PigeonNet.ALPHA_H, config.alphaH());
      alphas.add(PigeonNet.ALPHA_R, alphaR);
      NDList in = PigeonInputs.build(m, prompts, historySize, tokens, config);
      in.add(t.inputs(m));
      NDList out = net.forward(new ParameterStore(m, false), in, true, alphas);
      // Eq. 9 on the masked tokens (MaskSchedule)
      return new NDList(PigeonNet.reconstructionLoss(out.get(0), t.targets(m), t.weights(m)));
    }

    @Override
    public void save(Model model, Path outDir) throws IOException {
      HalfWeights.save(net, HalfWeights.file(outDir, model.getName()));
    }
  }
}
