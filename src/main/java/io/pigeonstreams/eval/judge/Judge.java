package io.pigeonstreams.eval.judge;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.pigeonstreams.data.StickerDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One trained judge (style or identity classifier), loaded from {@code models/judges}. Judges only
 * measure: no generator is trained or rewarded with them.
 */
public final class Judge implements AutoCloseable {

  public static final String STYLE = "style-judge";
  public static final String IDENTITY = "identity-judge";

  private static final int BATCH = 256;

  private final Model model;
  private final Block features;
  private final Block head;
  private final int classes;

  /** Classifier outputs for a batch of images. */
  public record Output(float[][] logits, float[][] features) {}

  Judge(Model model, int classes) {
    this.model = model;
    this.classes = classes;
    List<Block> children = model.getBlock().getChildren().values();
    this.features = children.get(0);
    this.head = children.get(1);
  }

  /** Loads a judge saved by {@link JudgeTrainer}; the class count must match the dataset. */
  public static Judge load(Path dir, String name, int classes) throws IOException {
    Path params = dir.resolve(name + "-0000.params");
    if (!Files.isRegularFile(params)) {
      throw new IOException(
          "judge weights missing: "
              + params
              + " (run from the repository root, or `pigeon-streams train judges`)");
    }
    Model model = Model.newInstance(name);
    model.setBlock(JudgeNet.classifier(classes));
    try {
      model.load(dir, name);
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw new IOException("cannot load " + params + ": " + e.getMessage(), e);
    }
    return new Judge(model, classes);
  }

  public int classes() {
    return classes;
  }

  /** Logits and 128-d features of each image (3x32x32 CHW arrays). */
  public Output apply(List<float[]> images) {
    float[][] logits = new float[images.size()][];
    float[][] feats = new float[images.size()][];
    for (int from = 0; from < images.size(); from += BATCH) {
      int to = Math.min(images.size(), from + BATCH);
      try (NDManager manager = model.getNDManager().newSubManager()) {
        float[] flat = new float[(to - from) * StickerDataset.PIXELS];
        for (int i = from; i < to; i++) {
          System.arraycopy(
              images.get(i), 0, flat, (i - from) * StickerDataset.PIXELS, StickerDataset.PIXELS);
        }
        NDArray x =
            manager.create(flat, new Shape(to - from, 3, StickerDataset.SIZE, StickerDataset.SIZE));
        ParameterStore ps = new ParameterStore(manager, false);
        NDArray f = features.forward(ps, new NDList(x), false).singletonOrThrow(); // (B, 128)
        NDArray l = head.forward(ps, new NDList(f), false).singletonOrThrow(); // (B, classes)
        float[] fa = f.toFloatArray();
        float[] la = l.toFloatArray();
        for (int i = 0; i < to - from; i++) {
          feats[from + i] =
              java.util.Arrays.copyOfRange(fa, i * JudgeNet.FEATURES, (i + 1) * JudgeNet.FEATURES);
          logits[from + i] = java.util.Arrays.copyOfRange(la, i * classes, (i + 1) * classes);
        }
      }
    }
    return new Output(logits, feats);
  }

  @Override
  public void close() {
    model.close();
  }
}
