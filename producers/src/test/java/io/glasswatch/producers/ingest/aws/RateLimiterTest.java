package io.glasswatch.producers.ingest.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
  @Test
  void spacesPermitsEvenlyAtTheConfiguredRate() throws InterruptedException {
    RateLimiter limiter = new RateLimiter(20); // 50 ms apart
    long t0 = System.nanoTime();
    for (int i = 0; i < 6; i++) {
      limiter.acquire();
    }
    // the first permit is immediate, the next five 50 ms apart each
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(245);
  }

  @Test
  void refusesANonPositiveRate() {
    assertThatThrownBy(() -> new RateLimiter(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
