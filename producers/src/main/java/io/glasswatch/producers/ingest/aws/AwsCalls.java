package io.glasswatch.producers.ingest.aws;

import io.glasswatch.producers.ingest.common.IngestMetrics;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Calls an AWS API through a {@link RateLimiter}, retrying throttling ({@code ThrottlingException},
 * {@code TooManyRequestsException}, HTTP 429), 5xx answers and connection failures with bounded
 * exponential backoff: attempt {@code n} (1-based) that fails waits a random time between half and all
 * of {@code min(base * 2^(n-1), 30 s)} before the next. Other errors (access denied, validation) fail at
 * once. The SDK clients are built with their own retries off, so every attempt passes the limiter.
 */
final class AwsCalls {
  private static final Logger LOG = LoggerFactory.getLogger(AwsCalls.class);
  private static final Duration CAP = Duration.ofSeconds(30);

  private final RateLimiter limiter;
  private final Duration base;
  private final int maxAttempts;
  private final IngestMetrics metrics;
  private final String source;

  AwsCalls(RateLimiter limiter, Duration base, int maxAttempts, IngestMetrics metrics, String source) {
    this.limiter = limiter;
    this.base = base;
    this.maxAttempts = maxAttempts;
    this.metrics = metrics;
    this.source = source;
  }

  /**
   * Runs {@code call}.
   *
   * @param what the API name for messages, e.g. {@code LookupEvents}
   * @throws AwsIngestException when the call failed for good (not retryable, or {@code maxAttempts} reached)
   * @throws InterruptedException when interrupted while waiting
   */
  <T> T call(String what, Supplier<T> call) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      limiter.acquire();
      try {
        return call.get();
      } catch (AwsServiceException e) {
        boolean throttled = e.isThrottlingException() || e.statusCode() == 429;
        if (!throttled && e.statusCode() < 500) {
          metrics.rejected(source, "aws_error", 1);
          throw new AwsIngestException(what + " failed: " + e.awsErrorDetails().errorCode() + " (HTTP "
              + e.statusCode() + "): " + e.awsErrorDetails().errorMessage(), e);
        }
        metrics.rejected(source, throttled ? "throttled" : "aws_error", 1);
        retryOrThrow(what, attempt, e);
      } catch (SdkClientException e) {
        metrics.rejected(source, "aws_error", 1);
        retryOrThrow(what, attempt, e);
      }
    }
  }

  private void retryOrThrow(String what, int attempt, RuntimeException e) throws InterruptedException {
    if (attempt >= maxAttempts) {
      throw new AwsIngestException(what + " failed after " + attempt + " attempts: " + e.getMessage(), e);
    }
    long full = Math.min(CAP.toMillis(), base.toMillis() << Math.min(attempt - 1, 20));
    long wait = full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1);
    LOG.info("{} attempt {} failed ({}); retrying in {} ms", what, attempt, e.getMessage(), wait);
    TimeUnit.MILLISECONDS.sleep(wait);
  }
}
