package io.pigeonstreams.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
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
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokenizer network at a tiny size: shapes, gradients, save/load, training, seeding. */
class VqAutoencoderTest {

  private static final TokenizerConfig TINY = new TokenizerConfig(16, 8, 8, 0.25f);

  private static NDArray batch(NDManager m, int n) {
    StickerDataset ds = TestData.dataset();
    float[] flat = new float[n * StickerDataset.PIXELS];
    for (int i = 0; i < n; i++) {
      System.arraycopy(
          ds.image(i, i % 5), 0, flat, i * StickerDataset.PIXELS, StickerDataset.PIXELS);
    }
    return m.create(flat, new Shape(n, 3, 32, 32));
  }

  private static VqAutoencoder initialized(NDManager m, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    VqAutoencoder net = new VqAutoencoder(TINY);
    net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 32, 32));
    return net;
  }

  @Test
  void shouldTurnAnImageInto16TokensAndBack() {
    try (NDManager m = NDManager.newBaseManager()) {
      VqAutoencoder net = initialized(m, 1);
      NDArray x = batch(m, 3);
      NDList out = net.forward(new ParameterStore(m, false), new NDList(x), false);
      assertThat(out.get(0).getShape()).isEqualTo(new Shape(3, 3, 32, 32));
      assertThat(out.get(1).getShape()).isEqualTo(new Shape());
      assertThat(out.get(2).getShape()).isEqualTo(new Shape(3, 16));
      long[] tokens = out.get(2).toLongArray();
      for (long t : tokens) {
        assertThat(t).isBetween(0L, 15L);
      }
      // decoding the tokens gives what the forward pass reconstructed
      NDArray decoded = net.decode(new ParameterStore(m, false), out.get(2));
      assertThat(decoded.toFloatArray())
          .containsExactly(out.get(0).toFloatArray(), org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  @Test
  void shouldPassGradientsThroughTheQuantizerToTheEncoderAndTheCodebook() {
    try (NDManager m = NDManager.newBaseManager()) {
      VqAutoencoder net = initialized(m, 2);
      NDArray x = batch(m, 4);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        net.getParameters().values().forEach(p -> p.getArray().setRequiresGradient(true));
        NDList out = net.forward(new ParameterStore(m, false), new NDList(x), true);
        gc.backward(out.get(0).sub(x).square().mean().add(out.get(1)));
      }
      // the first encoder convolution only gets a gradient through the straight-through estimator
      NDArray encoderGrad = parameter(net, "encoder", "weight").getGradient();
      NDArray codebookGrad = parameter(net, "quantizer", "codebook").getGradient();
      assertThat(encoderGrad.abs().sum().getFloat()).isGreaterThan(0f);
      assertThat(codebookGrad.abs().sum().getFloat()).isGreaterThan(0f);
    }
  }

  /** The first parameter whose name contains {@code block} and contains {@code kind}. */
  private static NDArray parameter(VqAutoencoder net, String block, String kind) {
    return net.getParameters().stream()
        .filter(p -> p.getKey().contains(block) && p.getKey().contains(kind))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no " + block + " " + kind + " in " + net.getParameters().keys()))
        .getValue()
        .getArray();
  }

  @Test
  void shouldGiveIdenticalTokensAfterSaveAndLoad(@TempDir Path dir) throws Exception {
    List<float[]> images = List.of(TestData.dataset().image(0, 0), TestData.dataset().image(1, 3));
    List<int[]> before;
    try (Model model = Model.newInstance(PigeonTokenizer.NAME)) {
      VqAutoencoder net = initialized(model.getNDManager(), 3);
      model.setBlock(net);
      model.save(dir, PigeonTokenizer.NAME);
      before = new PigeonTokenizer(model, "test").tokenize(images);
    }
    try (PigeonTokenizer loaded = PigeonTokenizer.load(dir, TINY)) {
      assertThat(loaded.tokenize(images)).usingRecursiveComparison().isEqualTo(before);
    }
  }

  @Test
  void shouldGiveTheSameNetworkForTheSameSeed() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = batch(m, 2);
      float[] a =
          initialized(m, 7)
              .forward(new ParameterStore(m, false), new NDList(x), false)
              .get(0)
              .toFloatArray();
      float[] b =
          initialized(m, 7)
              .forward(new ParameterStore(m, false), new NDList(x), false)
              .get(0)
              .toFloatArray();
      assertThat(a).containsExactly(b);
    }
  }

  @Test
  void shouldLowerTheLossInAFewTrainingSteps(@TempDir Path dir) throws Exception {
    TokenizerTrainer.Report report =
        TokenizerTrainer.train(
            TestData.dataset(),
            TINY,
            new TokenizerTrainer.Settings(1, 32, 5e-3f, 5L),
            dir,
            false,
            8);
    assertThat(report.lastLoss()).isLessThan(report.firstLoss());
    assertThat(dir.resolve("tokenizer-0000.params")).isRegularFile();
  }
}
