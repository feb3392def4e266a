package io.glasswatch.streams.correlation;

import io.glasswatch.schema.AccountAssignment;

/**
 * JSON form (for state and internal topics) of an IAM Identity Center account assignment; see
 * {@link AccountAssignment} for the meaning of each field.
 *
 * @param instanceArn Identity Center instance ARN
 * @param accountId 12-digit target account id
 * @param permissionSetArn permission set ARN
 * @param principalType USER or GROUP
 * @param principalId identity store id of the principal
 */
public record Assignment(String instanceArn, String accountId, String permissionSetArn, String principalType,
    String principalId) {

  /** The JSON form of {@code a}, or null for null. */
  public static Assignment of(AccountAssignment a) {
    return a == null ? null
        : new Assignment(a.getInstanceArn(), a.getAccountId(), a.getPermissionSetArn(), a.getPrincipalType(),
            a.getPrincipalId());
  }

  /** The Avro form. */
  public AccountAssignment toAvro() {
    return AccountAssignment.newBuilder().setInstanceArn(instanceArn).setAccountId(accountId)
        .setPermissionSetArn(permissionSetArn).setPrincipalType(principalType).setPrincipalId(principalId).build();
  }

  /** {@link #toAvro()} of {@code a}, or null for null. */
  public static AccountAssignment toAvro(Assignment a) {
    return a == null ? null : a.toAvro();
  }
}
