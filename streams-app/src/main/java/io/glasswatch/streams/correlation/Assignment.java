package io.glasswatch.streams.correlation;

import io.glasswatch.schema.AccountAssignment;
import java.util.Objects;

/**
 * JSON form (for state and internal topics) of an IAM Identity Center account assignment; see
 * {@link AccountAssignment} for the meaning of each field.
 *
 * <p>Identity: two assignments are the same ({@link #equals}) when instance, account, permission set and
 * principal agree; the names are what a source said about them ({@code permissionSetName},
 * {@code principalName}), they spare a look-up and play no part in sameness.
 *
 * @param instanceArn Identity Center instance ARN
 * @param accountId 12-digit target account id
 * @param permissionSetArn permission set ARN
 * @param principalType USER or GROUP
 * @param principalId identity store id of the principal
 * @param permissionSetName the permission set's name as the source gave it, or null
 * @param principalName the principal's user name as the source gave it, or null
 */
public record Assignment(String instanceArn, String accountId, String permissionSetArn, String principalType,
    String principalId, String permissionSetName, String principalName) {

  /** An assignment whose names are not known. */
  public Assignment(String instanceArn, String accountId, String permissionSetArn, String principalType,
      String principalId) {
    this(instanceArn, accountId, permissionSetArn, principalType, principalId, null, null);
  }

  /** The JSON form of {@code a}, or null for null. */
  public static Assignment of(AccountAssignment a) {
    return a == null ? null
        : new Assignment(a.getInstanceArn(), a.getAccountId(), a.getPermissionSetArn(), a.getPrincipalType(),
            a.getPrincipalId(), a.getPermissionSetName(), a.getPrincipalName());
  }

  /** The Avro form. */
  public AccountAssignment toAvro() {
    return AccountAssignment.newBuilder().setInstanceArn(instanceArn).setAccountId(accountId)
        .setPermissionSetArn(permissionSetArn).setPrincipalType(principalType).setPrincipalId(principalId)
        .setPermissionSetName(permissionSetName).setPrincipalName(principalName).build();
  }

  /** {@link #toAvro()} of {@code a}, or null for null. */
  public static AccountAssignment toAvro(Assignment a) {
    return a == null ? null : a.toAvro();
  }

  /** Same instance, account, permission set and principal (the names are left out, see the class Javadoc). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Assignment a && Objects.equals(instanceArn, a.instanceArn)
        && Objects.equals(accountId, a.accountId) && Objects.equals(permissionSetArn, a.permissionSetArn)
        && Objects.equals(principalType, a.principalType) && Objects.equals(principalId, a.principalId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(instanceArn, accountId, permissionSetArn, principalType, principalId);
  }
}
