package io.pigeonstreams.e2e;

import io.pigeonstreams.workload.Waits;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition of a running engine until it holds; a test fails when it does not. */
public final class Await {

  private Await() {}

  public static void until(BooleanSupplier condition, String what, Duration timeout)
      throws InterruptedException {
    try {
      Waits.until(condition, what, timeout);
    } catch (IllegalStateException e) {
      throw new AssertionError("timed out waiting for " + what, e);
    }
  }
}
