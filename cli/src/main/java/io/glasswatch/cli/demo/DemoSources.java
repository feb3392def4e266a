package io.glasswatch.cli.demo;

import io.glasswatch.producers.normalize.sources.SourceSettings;
import io.glasswatch.streams.policy.Policy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * How the demo reads the break-glass systems' own records (scenarios {@code 08-authz-gateway} and
 * {@code 09-jit-controller}): the {@code sources.*} settings an operator of those recorded runs would
 * give Glasswatch (README, "Inputs").
 *
 * <ul>
 *   <li>The AuthZ gateway ran with its audit bus and {@code AUDIT_HMAC_KEY=harness-audit-key} (see
 *       {@code NOTICE}); with that key every signed {@code audit.log} record is verified, so an edit to
 *       the bundled file would raise {@code GATEWAY_AUDIT_TAMPERED}.
 *   <li>The JIT controller's deployment: {@link #JIT_INSTANCE_ARN} and {@link #JIT_PERMISSION_SET_ARN}
 *       stand for its {@code SSO_INSTANCE_ARN} and {@code PERMISSION_SET_ARN}, so its grants carry an IAM
 *       Identity Center assignment (principal {@code jit_requests.identity_store_user_id}) that the demo
 *       creates in moto, and Glasswatch's revokes and expiry sweeps of them run for real.
 * </ul>
 *
 * <p>The key is a test key published with the recording; it is still never printed.
 */
public final class DemoSources {
  /** The JIT controller's IAM Identity Center instance in the demo. */
  public static final String JIT_INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
  /** The JIT controller's permission set in the demo. */
  public static final String JIT_PERMISSION_SET_ARN =
      "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef";
  private static final String GATEWAY_AUDIT_KEY = "harness-audit-key";

  private DemoSources() {}

  /** The settings (see the class Javadoc). */
  public static SourceSettings settings() {
    return new SourceSettings(GATEWAY_AUDIT_KEY.getBytes(StandardCharsets.UTF_8), null, JIT_INSTANCE_ARN,
        JIT_PERMISSION_SET_ARN, null, null);
  }

  /** What the settings are, for the demo's output (without the key). */
  public static List<String> describe() {
    return List.of(
        "08-authz-gateway: the AuthZ gateway's audit key of the recorded run is set (sources.authz-gateway.audit-secret):"
            + " every signed audit.log record is verified",
        "09-jit-controller: the JIT controller's deployment (sources.jit-controller.instance-arn "
            + JIT_INSTANCE_ARN + ", permission-set-arn " + JIT_PERMISSION_SET_ARN
            + "): its grants carry IAM Identity Center assignments");
  }

  /**
   * The longest time a decision waits for late input under {@code policy}: its {@code decisionDelay}
   * and that of every account and tenant override.
   */
  public static Duration longestLateInputWait(Policy policy) {
    return Stream.concat(Stream.of(policy), Stream.concat(policy.accountPolicies().values().stream(),
            policy.tenantPolicies().values().stream()))
        .map(Policy::decisionDelay).max(Duration::compareTo).orElse(Duration.ZERO);
  }
}
