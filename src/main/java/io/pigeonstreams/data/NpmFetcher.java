package io.pigeonstreams.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fetches a pinned npm tarball with {@code npm pack} into a cache folder and checks its hash. */
final class NpmFetcher {

  private NpmFetcher() {}

  static Path fetch(EmojiSource source, Path cache) throws IOException, InterruptedException {
    Path tarball = cache.resolve(source.tarballName());
    if (!Files.exists(tarball)) {
      ProcessBuilder pb =
          new ProcessBuilder(
                  "npm", "pack", source.spec(), "--pack-destination", cache.toString(), "--silent")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        throw new IOException(
            "cannot run npm to fetch " + source.spec() + " (is Node.js/npm installed?)", e);
      }
      int rc = process.waitFor();
      if (rc != 0 || !Files.exists(tarball)) {
        throw new IOException("npm pack " + source.spec() + " failed with exit code " + rc);
      }
    }
    String actual = DatasetBuilder.sha256(Files.readAllBytes(tarball));
    if (!source.tarballSha256().isEmpty() && !source.tarballSha256().equals(actual)) {
      throw new IOException(
          tarball
              + " has SHA-256 "
              + actual
              + " but "
              + source.spec()
              + " is pinned to "
              + source.tarballSha256()
              + "; delete it to fetch it again");
    }
    return tarball;
  }
}
