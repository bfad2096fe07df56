package io.pigeonstreams.bench.hostile;

import io.pigeonstreams.bench.hostile.HostileRecords.Hostile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's kcat as the outside producer of hostile records: keys and values as raw bytes, separated
 * by delimiters no generated record contains, one record per batch.
 */
final class Kcat {

  static final String RECORD_DELIMITER = "|--PIGEON-RECORD-BOUNDARY--|";
  static final String KEY_DELIMITER = "|--PIGEON-KEY--|";

  private Kcat() {}

  /** Whether kcat is on this machine. */
  static boolean available() {
    try {
      Process p = new ProcessBuilder("kcat", "-V").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Writes {@code records} to {@code topic} with kcat, keys and values as raw bytes.
   *
   * @return how many the broker refused (kcat's delivery reports)
   */
  static int produce(String bootstrap, String topic, List<Hostile> records, Path workDir)
      throws Exception {
    Path file = Files.createTempFile(workDir, "hostile-" + topic + "-", ".bin");
    byte[] rd = RECORD_DELIMITER.getBytes(StandardCharsets.US_ASCII);
    byte[] kd = KEY_DELIMITER.getBytes(StandardCharsets.US_ASCII);
    try (var out = Files.newOutputStream(file)) {
      for (Hostile h : records) {
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        if (h.key() != null) {
          one.write(h.key());
        }
        one.write(kd);
        if (h.value() != null) {
          one.write(h.value());
        }
        byte[] bytes = one.toByteArray();
        if (contains(h.value(), rd) || contains(h.value(), kd) || contains(h.key(), kd)) {
          throw new IllegalStateException("a generated record contains a delimiter; reseed");
        }
        out.write(bytes);
        out.write(rd);
      }
    }
    Process p =
        new ProcessBuilder(
                "kcat",
                "-P",
                "-b",
                bootstrap,
                "-t",
                topic,
                "-K",
                KEY_DELIMITER,
                "-D",
                RECORD_DELIMITER,
                "-Z",
                "-X",
                "message.max.bytes=1000000",
                // one record per batch: the broker refuses a whole batch for one bad record (a
                // null key on a compacted topic), and each record must be accounted for alone
                "-X",
                "batch.num.messages=1",
                "-l",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    int refusals = (int) log.lines().filter(l -> l.contains("Delivery failed")).count();
    if (exit != 0 && refusals == 0) {
      throw new IllegalStateException("kcat failed on " + topic + ": " + log);
    }
    Files.delete(file);
    return refusals;
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    if (hay == null) {
      return false;
    }
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
