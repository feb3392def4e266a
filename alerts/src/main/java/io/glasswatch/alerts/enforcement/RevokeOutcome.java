package io.glasswatch.alerts.enforcement;

/** The {@code outcome} values of a {@link io.glasswatch.schema.RevokeResult}. */
public enum RevokeOutcome {
  /** DeleteAccountAssignment SUCCEEDED and ListAccountAssignments no longer lists the principal. */
  CONFIRMED,
  /** The principal did not hold the permission set on the account when the command ran. */
  ALREADY_ABSENT,
  /** The assignment could not be removed or its removal not confirmed; {@code failureReason} says why. */
  FAILED,
  /** No AWS call was made: {@code revoke.dry-run} is true or no SSO Admin endpoint can be used. */
  DRY_RUN
}
