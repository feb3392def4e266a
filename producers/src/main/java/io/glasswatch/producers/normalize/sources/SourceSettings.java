package io.glasswatch.producers.normalize.sources;

import io.glasswatch.config.GlasswatchSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How Glasswatch reads the two break-glass systems of SPEC 1.4: the {@code sources.*} settings.
 *
 * <table>
 *   <caption>Settings (a properties file, {@code --config}, or {@code GLASSWATCH_} + the key upper-cased)</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@value #AUDIT_SECRET}</td><td>the AuthZ gateway's {@code AUDIT_HMAC_KEY}; when set, every
 *       signed {@code audit.log} record is verified (its UTF-8 bytes are the HMAC key)</td><td>unset:
 *       signed records are {@code unverified}</td></tr>
 *   <tr><td>{@value #APPROVER_ACR}</td><td>the approver assurance the gateway asserts for every
 *       approval (its approve route refuses sessions below {@code loa2})</td><td>{@code loa2}</td></tr>
 *   <tr><td>{@value #JIT_INSTANCE_ARN}</td><td>the controller's {@code SSO_INSTANCE_ARN}</td><td>unset</td></tr>
 *   <tr><td>{@value #JIT_PERMISSION_SET_ARN}</td><td>the controller's {@code PERMISSION_SET_ARN}</td><td>unset</td></tr>
 *   <tr><td>{@value #JIT_MAX_DURATION}</td><td>the longest grant the controller allows
 *       ({@code max_request_hours}); the expiry of a {@code GRANTED} whose duration is not known</td>
 *       <td>{@code PT4H}</td></tr>
 *   <tr><td>{@value #JIT_WEBHOOK_SECRETS}</td><td>the controller's webhook signing secret: a plain
 *       string (key id {@code default}) or a JSON object {@code {"key id": "secret"}}, exactly as stored
 *       in its Secrets Manager secret</td><td>unset: the webhook endpoint is off</td></tr>
 * </table>
 *
 * <p>Without the instance and permission set, JIT grants carry no assignment and cannot be revoked
 * or swept by Glasswatch.
 *
 * @param auditSecret UTF-8 bytes of the gateway's audit HMAC key, or null
 * @param approverAcr assurance asserted for gateway approvals
 * @param jitInstanceArn IAM Identity Center instance of the controller's deployment, or null
 * @param jitPermissionSetArn permission set of the controller's deployment, or null
 * @param jitMaxDuration fallback grant duration (positive)
 * @param jitWebhookSecrets key id → secret bytes; empty when the webhook endpoint is off
 */
public record SourceSettings(byte[] auditSecret, String approverAcr, String jitInstanceArn,
    String jitPermissionSetArn, Duration jitMaxDuration, Map<String, byte[]> jitWebhookSecrets) {

  /** The AuthZ gateway's audit HMAC key. */
  public static final String AUDIT_SECRET = "sources.authz-gateway.audit-secret";
  /** Assurance the AuthZ gateway asserts for its approvers. */
  public static final String APPROVER_ACR = "sources.authz-gateway.approver-acr";
  /** The JIT controller's IAM Identity Center instance ARN. */
  public static final String JIT_INSTANCE_ARN = "sources.jit-controller.instance-arn";
  /** The JIT controller's permission set ARN. */
  public static final String JIT_PERMISSION_SET_ARN = "sources.jit-controller.permission-set-arn";
  /** The longest grant the JIT controller allows. */
  public static final String JIT_MAX_DURATION = "sources.jit-controller.max-duration";
  /** The JIT controller's webhook signing secret(s). */
  public static final String JIT_WEBHOOK_SECRETS = "sources.jit-controller.webhook-secret";

  /** Every key this record reads. */
  public static final List<String> KEYS =
      List.of(AUDIT_SECRET, APPROVER_ACR, JIT_INSTANCE_ARN, JIT_PERMISSION_SET_ARN, JIT_MAX_DURATION,
          JIT_WEBHOOK_SECRETS);

  /** Validates; copies the maps. */
  public SourceSettings {
    approverAcr = approverAcr == null || approverAcr.isBlank() ? "loa2" : approverAcr;
    jitMaxDuration = jitMaxDuration == null ? Duration.ofHours(4) : jitMaxDuration;
    if (jitMaxDuration.isNegative() || jitMaxDuration.isZero()) {
      throw new IllegalArgumentException(JIT_MAX_DURATION + " must be positive, got " + jitMaxDuration);
    }
    jitWebhookSecrets = jitWebhookSecrets == null ? Map.of() : Map.copyOf(jitWebhookSecrets);
  }

  /** No key, no JIT deployment: signed audit records are unverified, JIT grants carry no assignment. */
  public static SourceSettings none() {
    return new SourceSettings(null, null, null, null, null, null);
  }

  /**
   * Reads the {@code sources.*} keys of {@code s}; keys it does not set are taken from
   * {@code env} ({@code GLASSWATCH_SOURCES_AUTHZ_GATEWAY_AUDIT_SECRET}, ...).
   *
   * @throws IllegalArgumentException listing every invalid key
   */
  public static SourceSettings from(GlasswatchSettings s, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    String audit = value(s, env, AUDIT_SECRET);
    Duration max = null;
    String maxText = value(s, env, JIT_MAX_DURATION);
    if (maxText != null) {
      try {
        max = Duration.parse(maxText);
        if (max.isNegative() || max.isZero()) {
          problems.add(JIT_MAX_DURATION + ": expected a positive ISO-8601 duration, got " + maxText);
          max = null;
        }
      } catch (java.time.format.DateTimeParseException e) {
        problems.add(JIT_MAX_DURATION + ": expected an ISO-8601 duration such as PT4H, got " + maxText);
      }
    }
    Map<String, byte[]> webhook = Map.of();
    String secret = value(s, env, JIT_WEBHOOK_SECRETS);
    if (secret != null) {
      try {
        webhook = WebhookSecrets.parse(secret);
      } catch (IllegalArgumentException e) {
        problems.add(JIT_WEBHOOK_SECRETS + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new SourceSettings(audit == null ? null : audit.getBytes(StandardCharsets.UTF_8),
        value(s, env, APPROVER_ACR), value(s, env, JIT_INSTANCE_ARN), value(s, env, JIT_PERMISSION_SET_ARN),
        max, webhook);
  }

  /** {@link #from(GlasswatchSettings, Map)} with no settings file: the process environment only. */
  public static SourceSettings fromEnvironment() {
    return from(null, System.getenv());
  }

  private static String value(GlasswatchSettings s, Map<String, String> env, String key) {
    if (s != null && s.isSet(key)) {
      return s.get(key).trim();
    }
    String v = env == null ? null : env.get(GlasswatchSettings.envName(key));
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** Whether JIT grants can carry an assignment (instance and permission set configured). */
  public boolean jitAssignments() {
    return jitInstanceArn != null && jitPermissionSetArn != null;
  }

  @Override
  public String toString() {
    return "SourceSettings[auditSecret=" + (auditSecret == null ? "unset" : "***") + ", approverAcr=" + approverAcr
        + ", jitInstanceArn=" + jitInstanceArn + ", jitPermissionSetArn=" + jitPermissionSetArn
        + ", jitMaxDuration=" + jitMaxDuration + ", jitWebhookKeyIds=" + jitWebhookSecrets.keySet() + "]";
  }
}
