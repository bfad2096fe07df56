package io.pigeonstreams.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** File-system chores of the demo and the benchmarks. */
public final class Directories {

  private Directories() {}

  /** Deletes {@code dir} and everything in it, if it exists (fresh state folders per run). */
  public static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
