package io.pigeonstreams.workload;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition of a running engine until it holds (stores may be unqueryable meanwhile). */
public final class Waits {

  private Waits() {}

  /**
   * @throws IllegalStateException when {@code condition} does not hold within {@code timeout}
   */
  public static void until(BooleanSupplier condition, String what, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException notYet) {
        // stores are not queryable during a rebalance
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(what + " not there within " + timeout.toSeconds() + " s");
  }
}
