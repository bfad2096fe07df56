package io.pigeonstreams.personalize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
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
    this.dir = dir == null ? null : dir.toAbsolutePath().normalize();
  }

  /** Never claim-checks: every image travels inline, and no URI is read. */
  public static ClaimCheck none() {
    return NONE;
  }

  private static final ClaimCheck NONE = new ClaimCheck(Long.MAX_VALUE, null);

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
    if (dir == null) {
      throw new IllegalStateException("claim check: no folder configured");
    }
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

  /**
   * The bytes behind a claim-check URI, read only from inside this claim check's folder: a {@code
   * file:} URI whose path, with {@code ..} resolved and every symbolic link followed, is a regular
   * file in the folder, of at most {@code maxBytes}. Anything else (another scheme, a path outside
   * the folder, a link out of it, a folder, a missing or oversized file) is refused with the reason
   * and nothing is read.
   *
   * @throws IOException the reason it was refused or could not be read
   */
  public byte[] read(String uri, long maxBytes) throws IOException {
    if (dir == null) {
      throw new IOException("claim check: no claim-check folder is configured; URIs are not read");
    }
    if (uri == null || uri.isBlank()) {
      throw new IOException("claim check: no URI");
    }
    if (uri.length() > 2048) {
      throw new IOException("claim check: URI longer than 2048 characters");
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IOException("claim check: not a URI: " + e.getMessage());
    }
    if (!"file".equalsIgnoreCase(parsed.getScheme())
        || parsed.getRawAuthority() != null
        || parsed.getRawQuery() != null
        || parsed.getRawFragment() != null
        || parsed.getPath() == null) {
      throw new IOException(
          "claim check: only file: URIs of the claim-check folder "
              + dir
              + " are read, not "
              + abbreviate(uri));
    }
    Path file;
    try {
      file = Path.of(parsed).toAbsolutePath().normalize();
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new IOException("claim check: not a file path: " + abbreviate(uri));
    }
    if (!file.startsWith(dir) || file.equals(dir)) {
      throw new IOException(
          "claim check: " + file + " is outside the claim-check folder " + dir + "; refused");
    }
    Path real;
    try {
      real = file.toRealPath();
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("claim check: no such file " + file);
    }
    if (!real.startsWith(dir.toRealPath())) {
      throw new IOException(
          "claim check: "
              + file
              + " leads outside the claim-check folder (to "
              + real
              + ") through a symbolic link; refused");
    }
    if (!Files.isRegularFile(real)) {
      throw new IOException("claim check: " + file + " is not a regular file");
    }
    long size = Files.size(real);
    if (size > maxBytes) {
      throw new IOException(
          "claim check: " + file + " has " + size + " bytes, over the limit of " + maxBytes);
    }
    try (java.io.InputStream in = Files.newInputStream(real)) {
      byte[] bytes = in.readNBytes((int) maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new IOException("claim check: " + file + " grew over the limit of " + maxBytes);
      }
      return bytes;
    }
  }

  /** The folder images are stored in and read from. */
  public Path dir() {
    return dir;
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
