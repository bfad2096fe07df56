package io.pigeonstreams.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.pigeonstreams.TestData;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.train.TokenizerTrainer;
import io.pigeonstreams.train.TrainingLoop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenizer v2 (FSQ on an 8x8 grid) at a tiny width: tokens, gradients, training, save/load. */
class FsqAutoencoderTest {

  private static final TokenizerConfig TINY = TokenizerConfig.fsq(List.of(8, 5, 5, 5), 8, 16);

  private static NDArray batch(NDManager m, int n) {
    StickerDataset ds = TestData.dataset();
    float[] flat = new float[n * StickerDataset.PIXELS];
    for (int i = 0; i < n; i++) {
      System.arraycopy(
          ds.image(i, i % 5), 0, flat, i * StickerDataset.PIXELS, StickerDataset.PIXELS);
    }
    return m.create(flat, new Shape(n, 3, 32, 32));
  }

  @Test
  void shouldDescribeTokenizerV2AsAThousandCodesOn64Tokens() {
    TokenizerConfig v2 = TokenizerConfig.v2();
    assertThat(v2.codebookSize()).isEqualTo(1000);
    assertThat(v2.codeDim()).isEqualTo(4);
    assertThat(v2.tokens()).isEqualTo(64);
    assertThat(v2.isFsq()).isTrue();
    assertThat(TokenizerConfig.v1().tokens()).isEqualTo(TokenizerConfig.TOKENS);
    assertThatThrownBy(() -> new TokenizerConfig(999, 4, 16, 0f, 8, List.of(8, 5, 5, 5)))
        .hasMessageContaining("product");
  }

  @Test
  void shouldGiveEveryCodeOneVectorAndDecodeTokensToTheQuantizedGrid() {
    // Given encoder outputs spread over the whole range of every channel
    FsqQuantizer fsq = new FsqQuantizer(List.of(8, 5, 5, 5));
    try (NDManager m = NDManager.newBaseManager()) {
      fsq.initialize(m, DataType.FLOAT32, new Shape(2, 4, 8, 8));
      NDArray z = m.randomNormal(0, 3, new Shape(2, 4, 8, 8), DataType.FLOAT32);

      // When they are quantized
      NDList q = fsq.forward(new ParameterStore(m, false), new NDList(z), false);

      // Then each token is one of the 1,000 codes, its vector is the quantized value, and the
      // codes' vectors are all different
      long[] tokens = q.get(2).toLongArray();
      assertThat(tokens).hasSize(2 * 64);
      for (long t : tokens) {
        assertThat(t).isBetween(0L, 999L);
      }
      assertThat(fsq.embed(q.get(2), 8).toFloatArray())
          .containsExactly(q.get(0).toFloatArray(), Offset.offset(1e-6f));
      float[] vectors = fsq.codeVectors();
      Set<List<Float>> distinct = new HashSet<>();
      for (int k = 0; k < 1000; k++) {
        List<Float> v = new ArrayList<>();
        for (int d = 0; d < 4; d++) {
          v.add(vectors[k * 4 + d]);
        }
        distinct.add(v);
      }
      assertThat(distinct).hasSize(1000);
    }
  }

  @Test
  void shouldPassGradientsStraightThroughTheRounding() {
    FsqQuantizer fsq = new FsqQuantizer(List.of(8, 5, 5, 5));
    try (NDManager m = NDManager.newBaseManager()) {
      fsq.initialize(m, DataType.FLOAT32, new Shape(1, 4, 8, 8));
      NDArray z = m.randomNormal(new Shape(1, 4, 8, 8));
      z.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray q = fsq.forward(new ParameterStore(m, true), new NDList(z), true).get(0);
        gc.backward(q.sum());
      }
      // round() alone has a zero gradient everywhere; straight-through keeps tanh's
      assertThat(z.getGradient().abs().sum().getFloat()).isGreaterThan(0f);
    }
  }

  @Test
  void shouldTrainLowerTheLossAndReloadToTheSameTokens(@TempDir Path dir) throws Exception {
    // Given a few training steps of a tiny v2 tokenizer
    TokenizerTrainer.Report report =
        TokenizerTrainer.train(
            TestData.dataset(),
            TINY,
            new TokenizerTrainer.Settings(1, 32, 5e-3f, 5L),
            null,
            TrainingLoop.Run.of(PigeonTokenizer.NAME_V2, dir, "test", false),
            8);
    assertThat(report.lastLoss()).isLessThan(report.firstLoss());

    // When it is loaded back
    StickerDataset ds = TestData.dataset();
    List<float[]> images = List.of(ds.image(0, 0), ds.image(1, 1));
    try (PigeonTokenizer a = PigeonTokenizer.load(dir, PigeonTokenizer.NAME_V2, TINY, null);
        PigeonTokenizer b = PigeonTokenizer.load(dir, PigeonTokenizer.NAME_V2, TINY, null)) {
      // Then it speaks in 64 tokens, decodes to images, and two loads agree
      List<int[]> tokens = a.tokenize(images);
      assertThat(tokens.get(0)).hasSize(64);
      assertThat(b.tokenize(images).get(1)).containsExactly(tokens.get(1));
      assertThat(a.decode(tokens).get(0)).hasSize(StickerDataset.PIXELS);
      assertThat(a.name()).startsWith("pigeon-fsq-1000x64-");
    }
  }
}
