package io.glasswatch.alerts.enforcement;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.waiters.Waiter;
import software.amazon.awssdk.core.waiters.WaiterAcceptor;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.DescribePermissionSetProvisioningStatusResponse;
import software.amazon.awssdk.services.ssoadmin.model.PermissionSetProvisioningStatus;
import software.amazon.awssdk.services.ssoadmin.model.ProvisionTargetType;
import software.amazon.awssdk.services.ssoadmin.model.StatusValues;

/**
 * A permission set's inline policy in IAM Identity Center (API Reference,
 * docs.aws.amazon.com/singlesignon/latest/APIReference/): {@code GetInlinePolicyForPermissionSet},
 * {@code PutInlinePolicyToPermissionSet}, {@code DeleteInlinePolicyFromPermissionSet},
 * {@code ProvisionPermissionSet} with {@code TargetType=AWS_ACCOUNT} for the grant's account, then
 * {@code DescribePermissionSetProvisioningStatus} until {@code SUCCEEDED}, driven by the SDK's
 * {@link Waiter} (jittered exponential backoff from {@code pollInitial} to {@code pollMax}, bounded by
 * the caller's timeout); {@code FAILED} ends the wait with a retryable {@link ContainException} (a new
 * round provisions again). {@code DescribePermissionSet} gives the {@code SessionDuration} (ISO-8601,
 * default PT1H when the permission set has none).
 */
final class PermissionSetPolicy implements PolicyTarget {
  private final SsoAdminClient client;
  private final String instanceArn;
  private final String permissionSetArn;
  private final String accountId;
  private final Duration pollInitial;
  private final Duration pollMax;

  PermissionSetPolicy(SsoAdminClient client, String instanceArn, String permissionSetArn, String accountId,
      Duration pollInitial, Duration pollMax) {
    this.client = Objects.requireNonNull(client, "client");
    this.instanceArn = Objects.requireNonNull(instanceArn, "instanceArn");
    this.permissionSetArn = Objects.requireNonNull(permissionSetArn, "permissionSetArn");
    this.accountId = Objects.requireNonNull(accountId, "accountId");
    this.pollInitial = pollInitial;
    this.pollMax = pollMax;
  }

  @Override
  public String arn() {
    return permissionSetArn;
  }

  @Override
  public String type() {
    return "PERMISSION_SET";
  }

  @Override
  public Optional<String> read() {
    try {
      String p = client.getInlinePolicyForPermissionSet(r -> r.instanceArn(instanceArn).permissionSetArn(permissionSetArn))
          .inlinePolicy();
      return p == null || p.isBlank() ? Optional.empty() : Optional.of(p);
    } catch (SdkException e) {
      throw ContainException.translate("GetInlinePolicyForPermissionSet", e);
    }
  }

  @Override
  public int write(String document) {
    AtomicInteger attempts = new AtomicInteger();
    try {
      client.putInlinePolicyToPermissionSet(r -> r.instanceArn(instanceArn).permissionSetArn(permissionSetArn)
          .inlinePolicy(document)
          .overrideConfiguration(o -> o.putExecutionAttribute(SsoAdminClients.ATTEMPTS, attempts)));
      return attempts.get();
    } catch (SdkException e) {
      throw ContainException.translate("PutInlinePolicyToPermissionSet", e);
    }
  }

  @Override
  public void delete() {
    try {
      client.deleteInlinePolicyFromPermissionSet(r -> r.instanceArn(instanceArn).permissionSetArn(permissionSetArn));
    } catch (SdkException e) {
      throw ContainException.translate("DeleteInlinePolicyFromPermissionSet", e);
    }
  }

  @Override
  public Provisioned provision(Duration timeout, ProvisionListener listener) {
    PermissionSetProvisioningStatus started;
    try {
      started = client.provisionPermissionSet(r -> r.instanceArn(instanceArn).permissionSetArn(permissionSetArn)
          .targetType(ProvisionTargetType.AWS_ACCOUNT).targetId(accountId)).permissionSetProvisioningStatus();
    } catch (SdkException e) {
      throw ContainException.translate("ProvisionPermissionSet", e);
    }
    String id = started.requestId();
    listener.status(id, started.statusAsString());
    if (started.status() == StatusValues.SUCCEEDED) {
      return new Provisioned(id, "SUCCEEDED");
    }
    if (started.status() == StatusValues.FAILED) {
      throw failed(id, started.failureReason());
    }
    Waiter<DescribePermissionSetProvisioningStatusResponse> waiter =
        Waiter.builder(DescribePermissionSetProvisioningStatusResponse.class)
            .addAcceptor(WaiterAcceptor.successOnResponseAcceptor(r -> status(r) == StatusValues.SUCCEEDED))
            .addAcceptor(WaiterAcceptor.successOnResponseAcceptor(r -> status(r) == StatusValues.FAILED))
            .addAcceptor(WaiterAcceptor.retryOnResponseAcceptor(r -> true))
            .overrideConfiguration(WaiterOverrideConfiguration.builder()
                .maxAttempts(Integer.MAX_VALUE)
                .waitTimeout(timeout)
                .backoffStrategyV2(BackoffStrategy.exponentialDelay(pollInitial, pollMax))
                .build())
            .build();
    WaiterResponse<DescribePermissionSetProvisioningStatusResponse> w;
    try {
      w = waiter.run(() -> {
        DescribePermissionSetProvisioningStatusResponse r = client.describePermissionSetProvisioningStatus(b -> b
            .instanceArn(instanceArn).provisionPermissionSetRequestId(id));
        listener.status(id, r.permissionSetProvisioningStatus().statusAsString());
        return r;
      });
    } catch (SdkException e) {
      if (e.getCause() instanceof SdkException inner && !(e.getMessage() != null && e.getMessage().contains("exceeded"))) {
        throw ContainException.translate("DescribePermissionSetProvisioningStatus", inner);
      }
      throw new ContainException("DescribePermissionSetProvisioningStatus: provisioning " + id
          + " did not succeed within " + timeout.toMillis() + " ms: " + e.getMessage(), true, false, e);
    }
    DescribePermissionSetProvisioningStatusResponse last = w.matched().response().orElseThrow();
    if (status(last) == StatusValues.FAILED) {
      throw failed(id, last.permissionSetProvisioningStatus().failureReason());
    }
    return new Provisioned(id, "SUCCEEDED");
  }

  private static StatusValues status(DescribePermissionSetProvisioningStatusResponse r) {
    return r.permissionSetProvisioningStatus() == null ? null : r.permissionSetProvisioningStatus().status();
  }

  private static ContainException failed(String id, String reason) {
    return new ContainException("ProvisionPermissionSet: provisioning " + id + " FAILED"
        + (reason == null ? "" : ": " + reason), true, false, null);
  }

  @Override
  public Duration maxSessionDuration() {
    try {
      String d = client.describePermissionSet(r -> r.instanceArn(instanceArn).permissionSetArn(permissionSetArn))
          .permissionSet().sessionDuration();
      return d == null || d.isBlank() ? Duration.ofHours(1) : Duration.parse(d);
    } catch (SdkException e) {
      throw ContainException.translate("DescribePermissionSet", e);
    }
  }

  @Override
  public String toString() {
    return "permission set " + permissionSetArn + " on account " + accountId;
  }
}
