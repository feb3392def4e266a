package io.glasswatch.alerts.enforcement;

/** Glasswatch's AWS identity may not perform the call (AWS {@code AccessDeniedException}, HTTP 403): fix the IAM policy. */
public final class RevokeAccessDeniedException extends RevokeException {
  RevokeAccessDeniedException(String operation, String awsErrorCode, String awsRequestId, int httpStatus, String detail, Throwable cause) {
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
