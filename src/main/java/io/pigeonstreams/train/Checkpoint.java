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

  /** How far a saved run got. */
  record Progress(int epochs, int steps) {}

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
            Integer.parseInt(p.getProperty("epochs")), Integer.parseInt(p.getProperty("steps"))));
  }

  /** Loads the saved weights into the model's (initialized) block. */
  void loadInto(Model model) throws IOException {
    try {
      model.load(dir, name);
    } catch (MalformedModelException e) {
      throw new IOException("cannot resume from " + dir + ": " + e.getMessage(), e);
    }
  }

  void save(Model model, Progress progress) throws IOException {
    Files.createDirectories(dir);
    model.setProperty("Epoch", "0"); // always <name>-0000.params, never -0001
    model.save(dir, name);
    Properties p = new Properties();
    p.setProperty("epochs", Integer.toString(progress.epochs()));
    p.setProperty("steps", Integer.toString(progress.steps()));
    Path tmp = dir.resolve("progress.properties.tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, "training progress of " + name);
    }
    Files.move(
        tmp,
        dir.resolve("progress.properties"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  void delete() throws IOException {
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
