package io.glasswatch.alerts.enforcement;

/** The instance, permission set or assignment does not exist (AWS {@code ResourceNotFoundException}): for a revoke, usually the assignment is already gone. */
public final class AssignmentNotFoundException extends RevokeException {
  AssignmentNotFoundException(String operation, String awsErrorCode, String awsRequestId, int httpStatus, String detail, Throwable cause) {
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
