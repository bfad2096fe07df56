package io.pigeonstreams.personalize;

import java.util.Locale;

/**
 * The machine under the model failed, not the request: the JVM or the device ran out of memory, or
 * the device reported an error. Such a batch is not answered REJECTED but replayed (the engine
 * aborts its transaction); a request that keeps failing this way is finally answered with the
 * reason ({@code RequestProcessor}).
 */
public final class InfrastructureFailure extends RuntimeException {

  InfrastructureFailure(Throwable cause) {
    super("infrastructure failure under the model: " + cause, cause);
  }

  /** Whether {@code t} (or a cause) is the machine's fault: memory or the device. */
  static boolean isInfrastructure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof OutOfMemoryError || c instanceof InfrastructureFailure) {
        return true;
      }
      String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("out of memory")
          || m.contains("cuda error")
          || m.contains("cublas_status")
          || m.contains("device-side assert")) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
