package io.pigeonstreams.train;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Epoch checkpoints of a training run, in {@code <out>/<name>.resume/}: the weights and how far the
 * run got. A run started with resume loads them and continues with the next epoch (the data order
 * and the learning-rate schedule continue where they were; the optimizer's moments restart). The
 * folder is removed when the run finishes.
 */
final class Checkpoint {

  /**
   * How far a saved run got, and the settings it ran with (a resume with other settings would not
   * continue the same run).
   */
  record Progress(int epochs, int steps, String settings) {}

  private final Path dir;
  private final String name;

  Checkpoint(Path outDir, String name) {
    this.dir = outDir.resolve(name + ".resume");
    this.name = name;
  }

  Optional<Progress> progress() throws IOException {
    Path file = dir.resolve("progress.properties");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    return Optional.of(
        new Progress(
            Integer.parseInt(p.getProperty("epochs")),
            Integer.parseInt(p.getProperty("steps")),
            p.getProperty("settings", "")));
  }

  /** Loads the saved weights into the model's (initialized) block. */
  void loadInto(Model model) throws IOException {
    try {
      model.load(dir, name);
    } catch (MalformedModelException e) {
      throw new IOException("cannot resume from " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes weights and progress into a fresh folder, then swaps it in: a crash leaves either the
   * previous checkpoint or this one, never weights of one epoch with the count of another.
   */
  void save(Model model, Progress progress) throws IOException {
    Path fresh = dir.resolveSibling(dir.getFileName() + ".tmp");
    Path old = dir.resolveSibling(dir.getFileName() + ".old");
    delete(fresh);
    Files.createDirectories(fresh);
    model.setProperty("Epoch", "0"); // always <name>-0000.params, never -0001
    model.save(fresh, name);
    Properties p = new Properties();
    p.setProperty("epochs", Integer.toString(progress.epochs()));
    p.setProperty("steps", Integer.toString(progress.steps()));
    p.setProperty("settings", progress.settings());
    try (Writer w =
        Files.newBufferedWriter(fresh.resolve("progress.properties"), StandardCharsets.UTF_8)) {
      p.store(w, "training progress of " + name);
    }
    delete(old);
    if (Files.exists(dir)) {
      Files.move(dir, old, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(fresh, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    delete(old);
  }

  void delete() throws IOException {
    delete(dir);
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
