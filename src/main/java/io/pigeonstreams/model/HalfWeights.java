package io.pigeonstreams.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A block's weights stored as float16 (half the size of DJL's float32 .params; the committed models
 * must fit in 25 MB), computed in float32 after loading. An {@link NDList} in DJL's own encoding,
 * one array per parameter, named and in the block's parameter order.
 */
public final class HalfWeights {

  /** The file for a checkpoint name: {@code <name>-fp16.ndlist}. */
  public static Path file(Path dir, String name) {
    return dir.resolve(name + "-fp16.ndlist");
  }

  private HalfWeights() {}

  public static void save(Block block, Path file) throws IOException {
    List<Pair<String, Parameter>> params = block.getParameters().stream().toList();
    try (NDManager m = NDManager.newBaseManager()) {
      NDList list = new NDList();
      for (Pair<String, Parameter> p : params) {
        NDArray half = p.getValue().getArray().toType(DataType.FLOAT16, true);
        half.attach(m);
        half.setName(p.getKey());
        list.add(half);
      }
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        list.encode(out);
      }
      // a crash never leaves a truncated file where a loader would prefer it
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /**
   * Copies the weights into an initialized block of the same architecture.
   *
   * @throws IOException when the file does not match the block (count, names or shapes)
   */
  public static void load(Block block, Path file) throws IOException {
    List<Pair<String, Parameter>> params = block.getParameters().stream().toList();
    try (NDManager m = NDManager.newBaseManager();
        InputStream in = Files.newInputStream(file)) {
      NDList list = NDList.decode(m, in);
      if (list.size() != params.size()) {
        throw new IOException(
            file + " has " + list.size() + " arrays for " + params.size() + " parameters");
      }
      for (int i = 0; i < params.size(); i++) {
        NDArray stored = list.get(i);
        NDArray target = params.get(i).getValue().getArray();
        if (!params.get(i).getKey().equals(stored.getName())
            || !target.getShape().equals(stored.getShape())) {
          throw new IOException(
              file
                  + ": array "
                  + i
                  + " is "
                  + stored.getName()
                  + stored.getShape()
                  + ", the block expects "
                  + params.get(i).getKey()
                  + target.getShape());
        }
        target.set(stored.toType(DataType.FLOAT32, false).toFloatArray());
      }
    }
  }
}
