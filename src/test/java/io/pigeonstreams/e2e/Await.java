package io.pigeonstreams.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition of a running engine until it holds (stores may be unqueryable meanwhile). */
public final class Await {

  private Await() {}

  public static void until(BooleanSupplier condition, String what, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException notYet) {
        // stores are not queryable during a rebalance
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
