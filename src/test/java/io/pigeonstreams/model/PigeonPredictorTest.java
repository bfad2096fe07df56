package io.pigeonstreams.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The committed model through DJL predictors: one per thread, same answers on every thread. */
class PigeonPredictorTest {

  @Test
  void shouldGiveEveryThreadItsOwnPredictorAndTheSameTokens() throws Exception {
    try (PigeonModel model =
        PigeonModel.load(
            Path.of("models", "pigeon"),
            "pigeon-sft",
            PigeonConfig.defaults(),
            TokenizerConfig.v2(),
            5)) {
      Random rnd = new Random(3);
      List<PigeonInputs.Prompt> prompts = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        List<int[]> history = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
          history.add(tokens(rnd, model));
        }
        List<float[]> style = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
          float[] v = new float[StyleEncoder.DIM];
          v[rnd.nextInt(v.length)] = 1f;
          style.add(v);
        }
        prompts.add(
            new PigeonInputs.Prompt(
                history, style, tokens(rnd, model), style.get(0), "grinning face"));
      }
      double[] alphaH = {0.0, 0.2, 0.2, 0.5, 0.8, 1.0};
      double[] alphaR = {0.0, 0.1, 0.5, 0.5, 0.9, 1.0};
      List<int[]> expected = model.generateTokens(prompts, alphaH, alphaR);
      List<List<boolean[]>> masks = model.maskHistory(prompts, alphaH);

      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<List<int[]>>> runs = new ArrayList<>();
        for (int r = 0; r < 6; r++) {
          runs.add(pool.submit(() -> model.generateTokens(prompts, alphaH, alphaR)));
        }
        for (Future<List<int[]>> run : runs) {
          assertThat(run.get()).containsExactlyElementsOf(expected);
        }
      } finally {
        pool.shutdown();
      }
      // the caller's thread and the pool's two
      assertThat(model.predictors()).isEqualTo(3);
      // ratios reach the mask generator exactly: more masked history tokens as alpha_h grows
      assertThat(maskedCount(masks.get(0))).isZero();
      int tokens = TokenizerConfig.v2().tokens();
      assertThat(maskedCount(masks.get(5))).isEqualTo(5 * tokens);
      // the generator masks pooled cells of 4x4 tokens: 20% of 5 x 4 cells = 4 cells, 64 tokens
      assertThat(maskedCount(masks.get(1))).isEqualTo(4 * 16);
    }
  }

  private static int[] tokens(Random rnd, PigeonModel model) {
    int[] t = new int[model.tokenizer().config().tokens()];
    for (int j = 0; j < t.length; j++) {
      t[j] = rnd.nextInt(model.tokenizer().config().codebookSize());
    }
    return t;
  }

  private static long maskedCount(List<boolean[]> history) {
    long n = 0;
    for (boolean[] mask : history) {
      for (boolean masked : mask) {
        n += masked ? 1 : 0;
      }
    }
    return n;
  }
}
