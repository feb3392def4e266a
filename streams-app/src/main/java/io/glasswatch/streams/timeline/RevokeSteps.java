package io.glasswatch.streams.timeline;

import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.RevokeResult;
import java.util.List;
import java.util.Set;

/**
 * Timeline entries of the revoke executor's progress records ({@code RevokeResult.step} set):
 * {@code command_received}, {@code delete_requested}, {@code status_polled}, {@code retrying},
 * {@code deadline_missed}, and the containment service's {@code contain_*} steps, worded by their
 * {@code message}. Entry id {@code revoke:<commandId>:<step>:<stepSeq>}, action
 * {@code revoke_<step>}, kind {@code enforcement}, at the record's {@code completedAt}.
 */
public final class RevokeSteps {
  private RevokeSteps() {}

  /**
   * The entry of one progress record.
   *
   * @param r a revoke result whose {@code step} is set
   * @return the draft; outcome {@code failure} for {@code deadline_missed}, else {@code unknown}
   */
  public static TimelineDraft draft(RevokeResult r) {
    String step = r.getStep();
    AccountAssignment a = r.getAssignment();
    String message = switch (step) {
      case "command_received" -> String.format("Revoke of request %s picked up by the executor (%s)",
          r.getRequestId(), r.getTrigger());
      case "delete_requested" -> String.format("DeleteAccountAssignment accepted for request %s: deletion %s %s",
          r.getRequestId(), r.getDeletionRequestId(), r.getDeletionStatus());
      case "status_polled" -> String.format("DescribeAccountAssignmentDeletionStatus for request %s: deletion %s %s",
          r.getRequestId(), r.getDeletionRequestId(), r.getDeletionStatus());
      case "retrying" -> String.format("Revoke of request %s is retried: %s", r.getRequestId(), r.getFailureReason());
      case "deadline_missed" -> String.format("Revoke of request %s not confirmed within the revoke deadline: "
          + "REVOKE_FAILED alert %s raised, the executor keeps trying (%d DeleteAccountAssignment attempts%s)",
          r.getRequestId(), r.getRevokeFailedAlertId(), r.getAttempts(),
          r.getFailureReason() == null ? "" : ", last problem: " + r.getFailureReason());
      default -> r.getMessage() != null ? r.getMessage() : String.format("Revoke of request %s: %s", r.getRequestId(), step);
    };
    Details d = Details.create().put("commandId", r.getCommandId()).put("trigger", r.getTrigger())
        .put("step", step).put("stepSeq", r.getStepSeq())
        .put("deletionRequestId", r.getDeletionRequestId()).put("deletionStatus", r.getDeletionStatus())
        .put("failureReason", r.getFailureReason()).put("attempts", r.getAttempts())
        .put("revokeFailedAlertId", r.getRevokeFailedAlertId());
    if (a != null) {
      d.put("assignmentAccountId", a.getAccountId()).put("permissionSetArn", a.getPermissionSetArn())
          .put("principalType", a.getPrincipalType()).put("principalId", a.getPrincipalId());
    }
    return new TimelineDraft("revoke:" + r.getCommandId() + ":" + step + ":" + r.getStepSeq(),
        r.getCompletedAt().toEpochMilli(), a == null ? null : a.getAccountId(), "glasswatch", "enforcement",
        "revoke_" + step, Set.of("deadline_missed", "contain_deadline_missed", "contain_failed",
            "contain_session_succeeded").contains(step) ? Ecs.FAILURE : Ecs.UNKNOWN, null, null, null, message, null,
        r.getAlertId(), null, null, null, d.toJson());
  }

  /**
   * The overlap sentence of a confirmed revoke.
   *
   * @param r a final result
   * @return "; the same assignment also ended the grant of request(s) X, Y" or an empty string
   */
  public static String overlapNote(RevokeResult r) {
    List<String> also = r.getAlsoRevokedRequestIds();
    if (also == null || also.isEmpty()) {
      return "";
    }
    return "; the same assignment also ended the grant of request" + (also.size() == 1 ? " " : "s ")
        + String.join(", ", also) + " (both grants revoked)";
  }
}
