package io.pigeonstreams.cli.demo;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sends what libraries print to a log file while the demo runs, so that its console shows only
 * progress and the summary: {@code System.out} and {@code System.err} (SLF4J's simple logger writes
 * to {@code System.err} as it is at each call, so Kafka's and the engine's logs follow, the
 * expected dead letters' stack traces included; so do the lines the embedded broker's formatter
 * prints to {@code System.out}) and, on Linux and macOS, file descriptor 2 itself: PyTorch's native
 * code writes its warnings there (e.g. the deprecation warning DJL's {@code torchSet} triggers once
 * per process), where no Java stream sees them. Java has no portable way to move a file descriptor,
 * so that part calls the C library's {@code dup}/{@code dup2} through JNA; where that is not
 * possible (Windows, no JNA) the native lines stay on the terminal. {@link #close()} puts
 * everything back.
 */
public final class ConsoleDiversion implements AutoCloseable {

  /** The few C library calls used, none of them variadic. */
  interface LibC extends Library {
    Pointer fopen(String path, String mode);

    int fileno(Pointer stream);

    int fclose(Pointer stream);

    int dup(int fd);

    int dup2(int from, int to);

    int close(int fd);
  }

  private static final int STDERR = 2;

  private final PrintStream out;
  private final PrintStream err;
  private final PrintStream log;
  private final NativeStderr nativeStderr;

  private ConsoleDiversion(
      PrintStream out, PrintStream err, PrintStream log, NativeStderr nativeStderr) {
    this.out = out;
    this.err = err;
    this.log = log;
    this.nativeStderr = nativeStderr;
  }

  /** From now until {@link #close()}, library output goes to {@code file} (emptied first). */
  public static ConsoleDiversion to(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, "");
    // appending, as the native descriptor does: neither overwrites the other's lines
    PrintStream log =
        new PrintStream(new FileOutputStream(file.toFile(), true), true, StandardCharsets.UTF_8);
    PrintStream out = System.out;
    PrintStream err = System.err;
    out.flush();
    err.flush();
    System.setOut(log);
    System.setErr(log);
    NativeStderr nativeStderr = NativeStderr.divert(file, log);
    return new ConsoleDiversion(out, err, log, nativeStderr);
  }

  /** Puts the streams and descriptor 2 back. */
  @Override
  public void close() {
    log.flush();
    if (nativeStderr != null) {
      nativeStderr.restore();
    }
    System.setOut(out);
    System.setErr(err);
    log.close();
  }

  /** File descriptor 2 pointed at the log, and how to point it back. */
  private record NativeStderr(LibC libc, Pointer file, int saved) {

    static NativeStderr divert(Path path, PrintStream log) {
      if (!(Platform.isLinux() || Platform.isMac())) {
        log.println("(native stderr not diverted on " + System.getProperty("os.name") + ")");
        return null;
      }
      try {
        LibC libc = Native.load(Platform.C_LIBRARY_NAME, LibC.class);
        Pointer file = libc.fopen(path.toAbsolutePath().toString(), "a");
        if (file == null) {
          log.println("(native stderr not diverted: fopen failed)");
          return null;
        }
        int saved = libc.dup(STDERR);
        if (saved < 0 || libc.dup2(libc.fileno(file), STDERR) < 0) {
          if (saved >= 0) {
            libc.close(saved);
          }
          libc.fclose(file);
          log.println("(native stderr not diverted: dup/dup2 failed)");
          return null;
        }
        return new NativeStderr(libc, file, saved);
      } catch (LinkageError | RuntimeException e) {
        log.println("(native stderr not diverted: " + e + ")");
        return null;
      }
    }

    void restore() {
      libc.dup2(saved, STDERR);
      libc.close(saved);
      libc.fclose(file);
    }
  }
}
