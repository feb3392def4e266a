package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ssoadmin.model.AccessDeniedException;
import software.amazon.awssdk.services.ssoadmin.model.ConflictException;
import software.amazon.awssdk.services.ssoadmin.model.InternalServerException;
import software.amazon.awssdk.services.ssoadmin.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ssoadmin.model.ThrottlingException;
import software.amazon.awssdk.services.ssoadmin.model.ValidationException;

class RevokeExceptionTest {

  private static <T extends AwsServiceException.Builder> AwsServiceException build(T b, String code, int status) {
    b.awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " message").build())
        .statusCode(status).requestId("req-123");
    return b.build();
  }

  @Test
  void translatesEachSsoAdminErrorIntoItsDomainKind() {
    assertThat(RevokeException.translate("Op", build(ResourceNotFoundException.builder(), "ResourceNotFoundException", 400)))
        .isInstanceOf(AssignmentNotFoundException.class).matches(e -> !e.retryable());
    assertThat(RevokeException.translate("Op", build(ConflictException.builder(), "ConflictException", 400)))
        .isInstanceOf(RevokeConflictException.class).matches(RevokeException::retryable);
    assertThat(RevokeException.translate("Op", build(ThrottlingException.builder(), "ThrottlingException", 400)))
        .isInstanceOf(SsoAdminUnavailableException.class).matches(RevokeException::retryable);
    assertThat(RevokeException.translate("Op", build(InternalServerException.builder(), "InternalServerException", 500)))
        .isInstanceOf(SsoAdminUnavailableException.class);
    assertThat(RevokeException.translate("Op", build(AwsServiceException.builder(), "ServiceUnavailable", 503)))
        .isInstanceOf(SsoAdminUnavailableException.class);
    assertThat(RevokeException.translate("Op", build(AccessDeniedException.builder(), "AccessDeniedException", 403)))
        .isInstanceOf(RevokeAccessDeniedException.class).matches(e -> !e.retryable());
    assertThat(RevokeException.translate("Op", build(ValidationException.builder(), "ValidationException", 400)))
        .isInstanceOf(RevokeRejectedException.class).matches(e -> !e.retryable());
    assertThat(RevokeException.translate("Op", SdkClientException.create("Unable to execute HTTP request: Connection refused")))
        .isInstanceOf(SsoAdminUnavailableException.class).matches(RevokeException::retryable);
  }

  @Test
  void namesTheOperationCodeStatusAndRequestId() {
    RevokeException e = RevokeException.translate("DeleteAccountAssignment",
        build(ConflictException.builder(), "ConflictException", 400));
    assertThat(e.getMessage())
        .isEqualTo("DeleteAccountAssignment: ConflictException (HTTP 400, request id req-123) ConflictException message");
    assertThat(e.operation()).isEqualTo("DeleteAccountAssignment");
    assertThat(e.awsErrorCode()).isEqualTo("ConflictException");
    assertThat(e.awsRequestId()).isEqualTo("req-123");
    assertThat(e.httpStatus()).isEqualTo(400);
    assertThat(e.getCause()).isInstanceOf(ConflictException.class);
  }
}
