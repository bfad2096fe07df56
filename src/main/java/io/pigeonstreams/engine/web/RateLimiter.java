package io.pigeonstreams.engine.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client address: {@code perSecond} requests a second on average, bursts of up
 * to {@code burst}. Addresses idle long enough to have a full bucket are forgotten when the table
 * grows past its bound, so that a flood of addresses cannot grow it without limit.
 */
final class RateLimiter {

  private static final int MAX_CLIENTS = 10_000;

  private final double perSecond;
  private final double burst;
  private final Map<String, double[]> buckets = new ConcurrentHashMap<>(); // tokens, last nanos

  /**
   * @param perSecond 0 or less: no limit
   */
  RateLimiter(double perSecond, double burst) {
    this.perSecond = perSecond;
    this.burst = Math.max(1, burst);
  }

  /** Takes a token for {@code client}; false when it has none left. */
  boolean allow(String client, long nowNanos) {
    if (perSecond <= 0) {
      return true;
    }
    if (buckets.size() > MAX_CLIENTS) {
      buckets.entrySet().removeIf(e -> refill(e.getValue(), nowNanos) >= burst);
    }
    double[] b = buckets.computeIfAbsent(client, k -> new double[] {burst, nowNanos});
    synchronized (b) {
      double tokens = refill(b, nowNanos);
      b[1] = nowNanos;
      if (tokens < 1) {
        b[0] = tokens;
        return false;
      }
      b[0] = tokens - 1;
      return true;
    }
  }

  private double refill(double[] b, long nowNanos) {
    return Math.min(burst, b[0] + (nowNanos - (long) b[1]) / 1e9 * perSecond);
  }
}
