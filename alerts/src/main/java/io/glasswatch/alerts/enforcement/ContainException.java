package io.glasswatch.alerts.enforcement;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * A failed IAM Identity Center or IAM call of a containment, translated at the client boundary (after
 * the SDK's own retries). The message names the operation, the AWS error code, the HTTP status and
 * the request id, never credentials.
 *
 * <p>Retryable: throttling ({@code ThrottlingException}, {@code Throttling}), conflicts
 * ({@code ConflictException}, IAM {@code ConcurrentModification}), 5xx and client-side I/O errors.
 * Not retryable: access denied, validation, a missing permission set or role, a provisioning that
 * reports {@code FAILED} after the rounds allowed. Error codes: IAM Identity Center API Reference,
 * "Common Errors" (docs.aws.amazon.com/singlesignon/latest/APIReference/CommonErrors.html); IAM API
 * Reference, "Common Errors" (docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html).
 */
public final class ContainException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;
  private final boolean notFound;

  /**
   * A failure.
   *
   * @param message one line
   * @param retryable whether a later round may succeed
   * @param notFound whether the call said the resource (policy, role, permission set) does not exist
   * @param cause the SDK exception, or null
   */
  public ContainException(String message, boolean retryable, boolean notFound, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
    this.notFound = notFound;
  }

  /**
   * Whether a later round may succeed.
   *
   * @return whether a later round may succeed
   */
  public boolean retryable() {
    return retryable;
  }

  /**
   * Whether the resource was not found (ResourceNotFoundException, NoSuchEntity).
   *
   * @return whether the resource was not found
   */
  public boolean notFound() {
    return notFound;
  }

  /**
   * Translates an SDK failure.
   *
   * @param operation the AWS operation, e.g. {@code PutInlinePolicyToPermissionSet}
   * @param e the SDK exception
   * @return the translated failure
   */
  public static ContainException translate(String operation, SdkException e) {
    if (e instanceof AwsServiceException ase) {
      String code = ase.awsErrorDetails() == null || ase.awsErrorDetails().errorCode() == null
          ? ase.getClass().getSimpleName() : ase.awsErrorDetails().errorCode();
      String msg = ase.awsErrorDetails() == null ? ase.getMessage() : ase.awsErrorDetails().errorMessage();
      int status = ase.statusCode();
      boolean notFound = code.contains("NotFound") || code.equals("NoSuchEntity") || code.equals("NoSuchEntityException");
      boolean retry = ase.isThrottlingException() || status >= 500 || status == 429 || code.contains("Conflict")
          || code.contains("ConcurrentModification") || code.contains("Throttl");
      return new ContainException(operation + ": " + code + " (HTTP " + status
          + (ase.requestId() == null ? "" : ", request id " + ase.requestId()) + ") " + (msg == null ? "" : msg),
          retry, notFound, e);
    }
    if (e instanceof SdkClientException) {
      return new ContainException(operation + ": no usable response: " + e.getMessage(), true, false, e);
    }
    return new ContainException(operation + ": " + e.getMessage(), false, false, e);
  }
}
