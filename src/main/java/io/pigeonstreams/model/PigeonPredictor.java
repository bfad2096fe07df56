package io.pigeonstreams.model;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Inference on a {@link PigeonNet} through DJL {@link Predictor}s: one per thread (a predictor is
 * not thread-safe; a stream thread gets its own on its first batch), all over the one model and its
 * weights. Closing this closes them all.
 */
final class PigeonPredictor implements AutoCloseable {

  /**
   * One batch: prompts with their ratios; {@code maskOnly} runs the mask generator alone; {@code
   * seeds} (one per row, or null) seed a sampled decoding.
   */
  record Batch(
      List<PigeonInputs.Prompt> prompts,
      double[] alphaH,
      double[] alphaR,
      boolean maskOnly,
      long[] seeds) {}

  /**
   * The outputs as Java arrays: decoded tokens (B*L) or, for a mask-only batch, the keep weights of
   * the pooled history tokens (B*N*P).
   */
  record Output(int[] tokens, float[] historyKeep) {}

  private final ThreadLocal<Predictor<Batch, Output>> perThread;
  private final Queue<Predictor<Batch, Output>> all = new ConcurrentLinkedQueue<>();

  PigeonPredictor(Model model, int historySize, int tokens, PigeonConfig config) {
    Translator translator = new Translator(historySize, tokens, config);
    perThread =
        ThreadLocal.withInitial(
            () -> {
              Predictor<Batch, Output> p = model.newPredictor(translator);
              all.add(p);
              return p;
            });
  }

  Output predict(Batch batch) {
    try {
      return perThread.get().predict(batch);
    } catch (TranslateException e) {
      throw new IllegalStateException("Pigeon inference failed: " + e.getMessage(), e);
    }
  }

  /** Predictors made so far (one per thread that ran a batch). */
  int predictors() {
    return all.size();
  }

  @Override
  public void close() {
    Predictor<Batch, Output> p;
    while ((p = all.poll()) != null) {
      p.close();
    }
  }

  private static final class Translator implements NoBatchifyTranslator<Batch, Output> {
    private final int historySize;
    private final int tokens;
    private final PigeonConfig config;

    Translator(int historySize, int tokens, PigeonConfig config) {
      this.historySize = historySize;
      this.tokens = tokens;
      this.config = config;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Batch batch) {
      NDManager m = ctx.getNDManager();
      NDList in = PigeonInputs.build(m, batch.prompts(), historySize, tokens, config);
      if (batch.seeds() != null && !batch.maskOnly()) {
        in.add(PigeonInputs.uniforms(m, batch.seeds(), config.decodeSteps(), tokens));
      }
      in.add(named(m, batch.alphaH(), PigeonNet.ALPHA_H));
      in.add(named(m, batch.alphaR(), PigeonNet.ALPHA_R));
      if (batch.maskOnly()) {
        NDArray flag = m.create(1f);
        flag.setName(PigeonNet.MASK_ONLY);
        in.add(flag);
      }
      return in;
    }

    /** float64, so that the ratios reach the mask generator exactly as given. */
    private static NDArray named(NDManager m, double[] values, String name) {
      NDArray a = m.create(values);
      a.setName(name);
      return a;
    }

    @Override
    public Output processOutput(TranslatorContext ctx, NDList out) {
      // decoded tokens (B, L) int32, or for a mask-only batch the keep weights (B, N*P)
      return out.get(0).getDataType() == ai.djl.ndarray.types.DataType.INT32
          ? new Output(out.get(0).toIntArray(), null)
          : new Output(null, out.get(1).toFloatArray());
    }
  }
}
