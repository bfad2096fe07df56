package io.pigeonstreams.topology;

import java.time.Duration;

/**
 * How requests are grouped: at most {@code maxRequests} requests and {@code maxImages} candidate
 * images per micro-batch (a request asking for more candidates than that is a batch of its own);
 * {@code maxDelay} 0 answers each request as it arrives.
 */
public record Batching(int maxRequests, int maxImages, Duration maxDelay, Duration budget) {
  public Batching {
    if (maxRequests < 1 || maxImages < 1) {
      throw new IllegalArgumentException(
          "batch size must be >= 1 request and >= 1 image, got " + maxRequests + ", " + maxImages);
    }
    if (maxDelay.isNegative()) {
      throw new IllegalArgumentException("batch delay must be >= 0, got " + maxDelay);
    }
  }

  public static Batching perRecord() {
    return new Batching(1, Integer.MAX_VALUE, Duration.ZERO, Duration.ofSeconds(2));
  }
}
