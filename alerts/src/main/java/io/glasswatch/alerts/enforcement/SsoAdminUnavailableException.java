package io.glasswatch.alerts.enforcement;

/** The service could not answer: throttling ({@code ThrottlingException}), a server error (5xx, {@code InternalServerException}), or a network or timeout failure, after the SDK's retries. */
public final class SsoAdminUnavailableException extends RevokeException {
  SsoAdminUnavailableException(String operation, String awsErrorCode, String awsRequestId, int httpStatus, String detail, Throwable cause) {
    super(operation, awsErrorCode, awsRequestId, httpStatus, detail, cause);
  }

  /**
   * True.
   *
   * @return true
   */
  @Override
  public boolean retryable() {
    return true;
  }
}
