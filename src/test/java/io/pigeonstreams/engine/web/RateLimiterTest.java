package io.pigeonstreams.engine.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

  @Test
  void shouldAllowABurstThenTheRatePerClient() {
    RateLimiter limiter = new RateLimiter(5, 10);
    long t = 1_000_000_000L;
    int allowed = 0;
    for (int i = 0; i < 30; i++) {
      allowed += limiter.allow("a", t) ? 1 : 0;
    }
    assertThat(allowed).isEqualTo(10); // the burst
    assertThat(limiter.allow("b", t)).isTrue(); // another client has its own bucket
    assertThat(limiter.allow("a", t + 100_000_000L)).isFalse(); // 0.5 token after 0.1 s
    assertThat(limiter.allow("a", t + 200_000_000L)).isTrue(); // 1 token after 0.2 s
    assertThat(new RateLimiter(0, 0).allow("a", t)).isTrue(); // 0: no limit
  }
}
