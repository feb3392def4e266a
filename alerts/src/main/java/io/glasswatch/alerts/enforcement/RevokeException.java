package io.glasswatch.alerts.enforcement;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssoadmin.model.AccessDeniedException;
import software.amazon.awssdk.services.ssoadmin.model.ConflictException;
import software.amazon.awssdk.services.ssoadmin.model.InternalServerException;
import software.amazon.awssdk.services.ssoadmin.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ssoadmin.model.ThrottlingException;

/**
 * A failed IAM Identity Center (SSO Admin) call, translated from the AWS SDK at the client
 * boundary. Subclasses say what kind of failure it was; {@link #retryable()} says whether trying
 * again later can help. Messages name the operation, the AWS error code, the HTTP status and the
 * AWS request id, and never contain credentials.
 *
 * <p>Error codes are those of the IAM Identity Center API Reference, "Common Errors" and each
 * operation's "Errors" section (docs.aws.amazon.com/singlesignon/latest/APIReference/CommonErrors.html).
 */
public abstract sealed class RevokeException extends RuntimeException
    permits AssignmentNotFoundException, RevokeConflictException, SsoAdminUnavailableException,
        RevokeAccessDeniedException, RevokeRejectedException {
  private static final long serialVersionUID = 1L;
  /** SSO Admin operation. */
  private final String operation;
  /** AWS error code, or null. */
  private final String awsErrorCode;
  /** AWS request id, or null. */
  private final String awsRequestId;
  /** HTTP status, or 0. */
  private final int httpStatus;

  RevokeException(String operation, String awsErrorCode, String awsRequestId, int httpStatus, String detail,
      Throwable cause) {
    super(operation + ": " + (awsErrorCode == null ? "" : awsErrorCode + " ")
        + (httpStatus > 0 ? "(HTTP " + httpStatus + (awsRequestId == null ? "" : ", request id " + awsRequestId) + ") " : "")
        + (detail == null ? "" : detail), cause);
    this.operation = operation;
    this.awsErrorCode = awsErrorCode;
    this.awsRequestId = awsRequestId;
    this.httpStatus = httpStatus;
  }

  /**
   * The SSO Admin operation, e.g. {@code DeleteAccountAssignment}.
   *
   * @return the SSO Admin operation, e.g. {@code DeleteAccountAssignment}
   */
  public String operation() {
    return operation;
  }

  /**
   * The AWS error code (e.g. {@code ConflictException}), or null for client-side failures.
   *
   * @return the AWS error code (e.g. {@code ConflictException}), or null for client-side failures
   */
  public String awsErrorCode() {
    return awsErrorCode;
  }

  /**
   * The AWS request id of the failed call, or null.
   *
   * @return the AWS request id of the failed call, or null
   */
  public String awsRequestId() {
    return awsRequestId;
  }

  /**
   * The HTTP status, or 0 when no response arrived.
   *
   * @return the HTTP status, or 0 when no response arrived
   */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * Whether the same call may succeed later (throttling, conflicts, 5xx, network errors).
   *
   * @return whether the same call may succeed later (throttling, conflicts, 5xx, network errors)
   */
  public abstract boolean retryable();

  /**
   * Translates an AWS SDK failure (after the SDK's own retries).
   *
   * <ul>
   *   <li>{@code ResourceNotFoundException} → {@link AssignmentNotFoundException}
   *   <li>{@code ConflictException} → {@link RevokeConflictException}
   *   <li>{@code ThrottlingException}, {@code InternalServerException}, any 5xx, and client-side
   *       I/O or timeout errors → {@link SsoAdminUnavailableException}
   *   <li>{@code AccessDeniedException} (403) → {@link RevokeAccessDeniedException}
   *   <li>anything else ({@code ValidationException}, {@code ServiceQuotaExceededException}, other
   *       4xx, unexpected responses) → {@link RevokeRejectedException}
   * </ul>
   *
   * @param operation the SSO Admin operation that failed
   * @param e the SDK exception
   * @return the domain exception, with {@code e} as cause
   */
  public static RevokeException translate(String operation, SdkException e) {
    if (e instanceof AwsServiceException ase) {
      String code = ase.awsErrorDetails() == null ? ase.getClass().getSimpleName() : ase.awsErrorDetails().errorCode();
      String msg = ase.awsErrorDetails() == null ? ase.getMessage() : ase.awsErrorDetails().errorMessage();
      int status = ase.statusCode();
      String reqId = ase.requestId();
      if (e instanceof ResourceNotFoundException) {
        return new AssignmentNotFoundException(operation, code, reqId, status, msg, e);
      }
      if (e instanceof ConflictException) {
        return new RevokeConflictException(operation, code, reqId, status, msg, e);
      }
      if (e instanceof ThrottlingException || e instanceof InternalServerException || ase.isThrottlingException()
          || status >= 500) {
        return new SsoAdminUnavailableException(operation, code, reqId, status, msg, e);
      }
      if (e instanceof AccessDeniedException || status == 403) {
        return new RevokeAccessDeniedException(operation, code, reqId, status, msg, e);
      }
      return new RevokeRejectedException(operation, code, reqId, status, msg, e);
    }
    if (e instanceof SdkClientException) {
      return new SsoAdminUnavailableException(operation, null, null, 0, "no usable response: " + e.getMessage(), e);
    }
    return new RevokeRejectedException(operation, null, null, 0, e.getMessage(), e);
  }
}
