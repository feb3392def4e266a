package io.glasswatch.alerts.enforcement;

/** Another operation on the same resource is in progress (AWS {@code ConflictException}); retrying later can succeed. */
public final class RevokeConflictException extends RevokeException {
  RevokeConflictException(String operation, String awsErrorCode, String awsRequestId, int httpStatus, String detail, Throwable cause) {
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
