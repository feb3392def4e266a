package io.glasswatch.producers.ingest.aws;

/**
 * An AWS API call of a poller failed for good (not retryable, or retries exhausted). The poller keeps
 * its checkpoint and tries again at its next poll. The message names the API and AWS's error code.
 */
public final class AwsIngestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure with its cause. */
  public AwsIngestException(String message, Throwable cause) {
    super(message, cause);
  }
}
