package io.glasswatch.alerts.enforcement;

/** The request was refused as invalid ({@code ValidationException}, {@code ServiceQuotaExceededException}, other 4xx) or the response was not understood. */
public final class RevokeRejectedException extends RevokeException {
  RevokeRejectedException(String operation, String awsErrorCode, String awsRequestId, int httpStatus, String detail, Throwable cause) {
    super(operation, awsErrorCode, awsRequestId, httpStatus, detail, cause);
  }

  /**
   * False.
   *
   * @return false
   */
  @Override
  public boolean retryable() {
    return false;
  }
}
