package io.glasswatch.alerts.enforcement;

import java.time.Duration;
import java.util.Optional;

/**
 * The inline policy a containment writes its deny statement into, and how the change takes effect:
 * a permission set's inline policy (provisioned to the account) or an emergency role's
 * {@value RolePolicy#POLICY_NAME} inline policy (effective without provisioning). Implementations
 * translate SDK failures into {@link ContainException}.
 */
interface PolicyTarget {
  /**
   * ARN of the permission set or role.
   *
   * @return the ARN
   */
  String arn();

  /**
   * {@code PERMISSION_SET} or {@code IAM_ROLE}.
   *
   * @return the target type
   */
  String type();

  /**
   * The current inline policy text.
   *
   * @return the text, or empty when there is none
   * @throws ContainException on failure
   */
  Optional<String> read();

  /**
   * Replaces the inline policy text.
   *
   * @param document the whole new document
   * @return HTTP attempts of the write
   * @throws ContainException on failure
   */
  int write(String document);

  /**
   * Removes the inline policy (no statement of anyone remains).
   *
   * @throws ContainException on failure
   */
  void delete();

  /**
   * Makes the written policy take effect in the account and waits until it has.
   *
   * @param timeout longest wait
   * @param listener hears the provisioning request id and each status seen
   * @return the provisioning request id and final status; {@link Provisioned#NONE} for an IAM role
   * @throws ContainException when provisioning fails or does not succeed within {@code timeout}
   */
  Provisioned provision(Duration timeout, ProvisionListener listener);

  /**
   * The longest session this target issues: a permission set's {@code SessionDuration}, a role's
   * {@code MaxSessionDuration}.
   *
   * @return the duration
   * @throws ContainException on failure
   */
  Duration maxSessionDuration();

  /**
   * The outcome of provisioning.
   *
   * @param requestId PermissionSetProvisioningStatus.RequestId, or null
   * @param status SUCCEEDED, or null when nothing had to be provisioned
   */
  record Provisioned(String requestId, String status) {
    /** Nothing to provision (IAM roles). */
    static final Provisioned NONE = new Provisioned(null, null);
  }

  /** Hears provisioning progress. */
  @FunctionalInterface
  interface ProvisionListener {
    /** Ignores everything. */
    ProvisionListener NONE = (id, status) -> { };

    /**
     * A status was seen.
     *
     * @param requestId the provisioning request
     * @param status IN_PROGRESS, SUCCEEDED or FAILED
     */
    void status(String requestId, String status);
  }
}
