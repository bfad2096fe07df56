package io.pigeonstreams.personalize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The claim-check pattern for images too large to travel in a record: above {@code thresholdBytes}
 * the bytes are stored outside Kafka and the record carries their URI instead (the broker refuses
 * records over {@code message.max.bytes}, 1 MiB by default).
 *
 * <p>Stored files are named by the SHA-256 of their content and written atomically, so a batch
 * replayed after a crash (exactly-once rolls back the records, not the files) writes the same file
 * again and its committed record points to complete bytes. A folder shared by every instance (a
 * network volume) is the deployment this class serves; an object store would be another
 * implementation of {@link #store}.
 */
public final class ClaimCheck {

  private final long thresholdBytes;
  private final Path dir;

  /**
   * @param thresholdBytes images larger than this go to {@code dir}
   * @param dir where they are stored (created when first needed)
   */
  public ClaimCheck(long thresholdBytes, Path dir) {
    if (thresholdBytes < 0) {
      throw new IllegalArgumentException(
          "claim-check threshold must be >= 0, got " + thresholdBytes);
    }
    this.thresholdBytes = thresholdBytes;
    this.dir = dir.toAbsolutePath().normalize();
  }

  /** Never claim-checks: every image travels inline. */
  public static ClaimCheck none() {
    return new ClaimCheck(Long.MAX_VALUE, Path.of("."));
  }

  /** Whether {@code bytes} must go through the claim check. */
  public boolean needed(byte[] bytes) {
    return bytes.length > thresholdBytes;
  }

  /**
   * Stores the bytes (once per content) and returns their URI.
   *
   * @throws UncheckedIOException when the folder cannot be written: the request is then answered
   *     REJECTED with this reason
   */
  public String store(byte[] bytes, String extension) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(sha256(bytes) + "." + extension);
      if (!Files.exists(file)) {
        Path tmp = Files.createTempFile(dir, ".claim-", ".tmp");
        try {
          Files.write(tmp, bytes);
          try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
          }
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      return file.toUri().toString();
    } catch (IOException e) {
      throw new UncheckedIOException("claim check: cannot store an image in " + dir, e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
