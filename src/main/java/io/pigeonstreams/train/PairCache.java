package io.pigeonstreams.train;

import io.pigeonstreams.model.PigeonInputs;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Stage 2's preference pairs on disk, so that a rerun skips building them. */
final class PairCache {

  private static final int MAGIC =
      0x50504333; // "PPC3": sequences carry their length; history style features

  private PairCache() {}

  /** The pairs, or null when the file is missing or was built for another key. */
  static List<DpoTrainer.Pair> read(Path file, String key) throws IOException {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC || !in.readUTF().equals(key)) {
        return null;
      }
      int n = in.readInt();
      List<DpoTrainer.Pair> pairs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int h = in.readInt();
        List<int[]> history = new ArrayList<>(h);
        List<float[]> style = new ArrayList<>(h);
        for (int j = 0; j < h; j++) {
          history.add(tokens(in));
          style.add(floats(in));
        }
        int[] reference = tokens(in);
        float[] referenceStyle = floats(in);
        String caption = in.readUTF();
        pairs.add(
            new DpoTrainer.Pair(
                new PigeonInputs.Prompt(history, style, reference, referenceStyle, caption),
                tokens(in),
                tokens(in),
                in.readDouble(),
                in.readDouble(),
                in.readDouble()));
      }
      return pairs;
    }
  }

  static void write(Path file, String key, List<DpoTrainer.Pair> pairs) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, "pairs", ".tmp");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      out.writeInt(MAGIC);
      out.writeUTF(key);
      out.writeInt(pairs.size());
      for (DpoTrainer.Pair p : pairs) {
        out.writeInt(p.prompt().history().size());
        for (int j = 0; j < p.prompt().history().size(); j++) {
          write(out, p.prompt().history().get(j));
          write(out, p.prompt().historyStyle().get(j));
        }
        write(out, p.prompt().reference());
        write(out, p.prompt().referenceStyle());
        out.writeUTF(p.prompt().caption());
        write(out, p.chosen());
        write(out, p.rejected());
        out.writeDouble(p.chosenAlphaR());
        out.writeDouble(p.rejectedAlphaR());
        out.writeDouble(p.rewardGap());
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static int[] tokens(DataInputStream in) throws IOException {
    int[] t = new int[in.readShort()];
    for (int i = 0; i < t.length; i++) {
      t[i] = in.readShort();
    }
    return t;
  }

  private static float[] floats(DataInputStream in) throws IOException {
    float[] f = new float[in.readShort()];
    for (int i = 0; i < f.length; i++) {
      f[i] = in.readFloat();
    }
    return f;
  }

  private static void write(DataOutputStream out, float[] values) throws IOException {
    out.writeShort(values.length);
    for (float v : values) {
      out.writeFloat(v);
    }
  }

  private static void write(DataOutputStream out, int[] tokens) throws IOException {
    out.writeShort(tokens.length);
    for (int t : tokens) {
      out.writeShort(t);
    }
  }
}
