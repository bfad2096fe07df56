package io.pigeonstreams.bench;

import java.io.PrintStream;
import java.util.Locale;

/** A benchmark's progress lines, each with the seconds since the benchmark started. */
public final class Progress {

  private final PrintStream out;
  private final long started = System.nanoTime();

  public Progress(PrintStream out) {
    this.out = out;
  }

  /** {@code [ 12.3 s] message}, formatted with {@link Locale#ROOT}. */
  public void line(String format, Object... args) {
    out.printf(
        Locale.ROOT,
        "[%6.1f s] %s%n",
        (System.nanoTime() - started) / 1e9,
        String.format(Locale.ROOT, format, args));
    out.flush();
  }

  /** The stream the lines go to, for tables printed as they are measured. */
  public PrintStream out() {
    return out;
  }
}
