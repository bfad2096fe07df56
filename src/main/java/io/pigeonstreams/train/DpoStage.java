package io.pigeonstreams.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;
import io.pigeonstreams.model.HalfWeights;
import io.pigeonstreams.model.MaskedTargets;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.model.PigeonNet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Stage 2's optimization on the {@link TrainingLoop}: the policy starts as the stage-1 model and is
 * trained with DPO against the frozen stage-1 reference on the preference pairs that {@link
 * DpoTrainer} built. Log-likelihoods are the parallel decoder's masked-token likelihood: the same
 * random positions of a pair's chosen and rejected sequence (as many as MaskGIT's cosine schedule
 * draws) are masked and scored, the others shown. They are taken under the prompt at the inference
 * alpha_r, with inference masks and without dropout, so that policy and reference agree at step 0.
 */
final class DpoStage implements TrainingLoop.Stage<List<DpoTrainer.Pair>> {

  /**
   * Gradient clipping: DPO's objective is unbounded below in the rejected log-likelihood; an
   * unclipped run diverged to NaN in its second epoch.
   */
  static final float CLIP_GRAD = 1.0f;

  private final PigeonModel reference;
  private final Path modelDir;
  private final String stage1Name;
  private final List<DpoTrainer.Pair> pairs;
  private final DpoTrainer.Settings settings;
  private final PigeonConfig config;
  private final int historySize;
  private final int tokens;
  private final PigeonNet policy;
  private final Random rng;

  DpoStage(
      PigeonModel reference,
      Path modelDir,
      String stage1Name,
      List<DpoTrainer.Pair> pairs,
      DpoTrainer.Settings settings) {
    this.reference = reference;
    this.modelDir = modelDir;
    this.stage1Name = stage1Name;
    this.pairs = pairs;
    this.settings = settings;
    this.config = reference.config();
    this.historySize = reference.historySize();
    this.tokens = reference.tokenizer().config().tokens();
    this.policy =
        new PigeonNet(
            config,
            reference.tokenizer().config().grid(),
            reference.tokenizer().config().codebookSize());
    this.rng = new Random(settings.seed() + 1);
  }

  @Override
  public Block block() {
    return policy;
  }

  @Override
  public Shape[] inputShapes() {
    return PigeonInputs.shapes(historySize, tokens, config);
  }

  @Override
  public Optimizer optimizer(Tracker learningRate) {
    return Optimizer.adamW().optClipGrad(CLIP_GRAD).optLearningRateTracker(learningRate).build();
  }

  /** The policy starts as the stage-1 model. */
  @Override
  public void startFrom(Model model) throws IOException {
    PigeonModel.loadWeights(model, policy, modelDir, stage1Name, historySize, tokens);
  }

  @Override
  public Iterable<List<DpoTrainer.Pair>> batches(int epoch) {
    List<DpoTrainer.Pair> order = new ArrayList<>(pairs);
    Collections.shuffle(order, rng);
    List<List<DpoTrainer.Pair>> batches = new ArrayList<>();
    for (int from = 0; from < order.size(); from += settings.batchSize()) {
      batches.add(order.subList(from, Math.min(order.size(), from + settings.batchSize())));
    }
    return batches;
  }

  @Override
  public List<String> metrics() {
    return List.of("acc");
  }

  /**
   * loss = -log sigmoid(beta * ((log pi(y_w) - log ref(y_w)) - (log pi(y_l) - log ref(y_l)))), and
   * the fraction of pairs whose implicit reward margin is > 0.
   */
  @Override
  public NDList loss(Trainer trainer, NDManager m, List<DpoTrainer.Pair> batch) {
    int b = batch.size();
    // rows 0..b-1: chosen, rows b..2b-1: rejected, under the same prompts
    List<PigeonInputs.Prompt> prompts = new ArrayList<>();
    List<int[]> targets = new ArrayList<>();
    for (DpoTrainer.Pair p : batch) {
      prompts.add(p.prompt());
      targets.add(p.chosen());
    }
    for (DpoTrainer.Pair p : batch) {
      prompts.add(p.prompt());
      targets.add(p.rejected());
    }
    // the same masked positions for a pair's chosen and rejected sequences (MaskGIT's schedule)
    List<boolean[]> masked = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      masked.add(MaskSchedule.draw(rng, tokens));
    }
    masked.addAll(new ArrayList<>(masked));
    double[] refLogp =
        reference.logLikelihood(
            prompts, targets, masked, config.alphaH(), settings.promptAlphaR()); // (2B)
    PairList<String, Object> alphas = new PairList<>();
    alphas.add(PigeonNet.ALPHA_H, config.alphaH());
    alphas.add(PigeonNet.ALPHA_R, settings.promptAlphaR());
    MaskedTargets t = MaskedTargets.of(targets, masked, policy.maskId());
    NDList in = PigeonInputs.build(m, prompts, historySize, tokens, config);
    in.add(t.inputs(m));
    NDArray y = t.targets(m);
    float[] ref = new float[refLogp.length];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = (float) refLogp[i];
    }
    NDArray refLogp2 = m.create(ref); // (2B)
    // inference masks, no dropout: the conditions the candidates are generated under
    NDList out = policy.forward(new ParameterStore(m, false), in, false, alphas);
    NDArray logp = PigeonNet.sequenceLogLikelihood(out.get(0), y, t.weights(m)); // (2B)
    NDArray ratio = logp.sub(refLogp2); // (2B): log pi - log ref
    NDArray margin = ratio.get("0:" + b).sub(ratio.get(b + ":")).mul(settings.beta()); // (B)
    NDArray loss = Activation.softPlus(margin.neg()).mean(); // -log sigmoid(margin)
    NDArray accuracy = margin.gt(0).toType(DataType.FLOAT32, false).mean();
    return new NDList(loss, accuracy);
  }

  @Override
  public void save(Model model, Path outDir) throws IOException {
    HalfWeights.save(policy, HalfWeights.file(outDir, DpoTrainer.NAME));
  }
}
