package io.pigeonstreams.data.simulation.reaction;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.SimulatedUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The trained {@link ReactionNet} and the rule simulated users react by. A user likes an image with
 * probability {@code 0.05 + 0.9 * p(style = its preferred style) * (0.5 + 0.5 * p(category is one
 * of its interests))}, and skips it otherwise: the style it prefers matters most, its favoured
 * categories help. Each reaction is drawn from a seeded generator, so a run repeats.
 */
public final class ReactionModel implements AutoCloseable {

  public static final String NAME = "reaction-model";

  private final Model model;
  private final List<String> categories;

  private ReactionModel(Model model, List<String> categories) {
    this.model = model;
    this.categories = categories;
  }

  /** The categories the network's category head predicts, in its order. */
  public static List<String> categories(StickerDataset ds) {
    return ds.emoji().stream().map(StickerDataset.Emoji::category).distinct().sorted().toList();
  }

  /** Loads {@code <dir>/reaction-model-0000.params}. */
  public static ReactionModel load(Path dir, StickerDataset ds) throws IOException {
    if (!Files.isRegularFile(dir.resolve(NAME + "-0000.params"))) {
      throw new IOException(
          "reaction model missing: "
              + dir.resolve(NAME + "-0000.params")
              + " (`pigeon-streams train reactions`)");
    }
    List<String> categories = categories(ds);
    Model model = Model.newInstance(NAME);
    ReactionNet net = new ReactionNet(ds.styleCount(), categories.size());
    model.setBlock(net);
    try {
      net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, 32, 32));
      model.load(dir, NAME);
    } catch (IOException | RuntimeException | ai.djl.MalformedModelException e) {
      model.close();
      throw new IOException("cannot load the reaction model: " + e.getMessage(), e);
    }
    return new ReactionModel(model, categories);
  }

  /** Per image: softmax over styles, then softmax over categories. */
  public record Perception(float[] style, float[] category) {}

  public List<Perception> perceive(List<float[]> images) {
    List<Perception> out = new ArrayList<>();
    int px = StickerDataset.PIXELS;
    for (int from = 0; from < images.size(); from += 256) {
      List<float[]> chunk = images.subList(from, Math.min(images.size(), from + 256));
      float[] flat = new float[chunk.size() * px];
      for (int i = 0; i < chunk.size(); i++) {
        System.arraycopy(chunk.get(i), 0, flat, i * px, px);
      }
      try (NDManager m = model.getNDManager().newSubManager()) {
        NDList y =
            model
                .getBlock()
                .forward(
                    new ParameterStore(m, false),
                    new NDList(m.create(flat, new Shape(chunk.size(), 3, 32, 32))),
                    false);
        float[] s = y.get(0).softmax(1).toFloatArray();
        float[] c = y.get(1).softmax(1).toFloatArray();
        int ns = s.length / chunk.size();
        int nc = c.length / chunk.size();
        for (int i = 0; i < chunk.size(); i++) {
          out.add(
              new Perception(
                  java.util.Arrays.copyOfRange(s, i * ns, (i + 1) * ns),
                  java.util.Arrays.copyOfRange(c, i * nc, (i + 1) * nc)));
        }
      }
    }
    return out;
  }

  /** The probability that {@code user} likes an image perceived as {@code p}. */
  public double likeProbability(SimulatedUser user, Perception p) {
    double style = p.style()[user.preferredStyle()];
    double interest = 0;
    for (String c : user.interests()) {
      int i = categories.indexOf(c);
      if (i >= 0) {
        interest += p.category()[i];
      }
    }
    return 0.05 + 0.9 * style * (0.5 + 0.5 * Math.min(1, interest));
  }

  /** Whether {@code user} likes the image, drawn from {@code rng}. */
  public boolean likes(SimulatedUser user, Perception p, SplittableRandom rng) {
    return rng.nextDouble() < likeProbability(user, p);
  }

  @Override
  public void close() {
    model.close();
  }
}
