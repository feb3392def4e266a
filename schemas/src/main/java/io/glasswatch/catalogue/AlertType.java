package io.glasswatch.catalogue;

import static io.glasswatch.catalogue.Action.NOTIFY;
import static io.glasswatch.catalogue.Action.PAGE;
import static io.glasswatch.catalogue.Action.REVOKE;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The alert catalogue of SPEC section 3, with each type's default severity and default actions. The
 * constant name is the wire value of {@code Alert.alertType}.
 */
public enum AlertType {
  /** Root activity or a RootCredentialUsage finding that no grant covers. */
  UNAUTHORIZED_ROOT_USE(Severity.CRITICAL, EnumSet.of(PAGE, REVOKE)),
  /**
   * A root console sign-in that failed with no covering grant: someone is trying the root
   * password. Glasswatch's addition to the SPEC catalogue (additive).
   */
  ROOT_LOGIN_FAILED(Severity.HIGH, EnumSet.of(NOTIFY)),
  /** Root console sign-in that succeeded without MFA, authorized or not. */
  ROOT_LOGIN_WITHOUT_MFA(Severity.HIGH, EnumSet.of(PAGE)),
  /** Root creating users, keys, login profiles, policies, roles or groups. */
  ROOT_ANTIPATTERN(Severity.HIGH, EnumSet.of(PAGE, REVOKE)),
  /** No root credential rotation within the deadline after a root session ended. */
  ROTATION_OVERDUE(Severity.HIGH, EnumSet.of(PAGE, REVOKE)),
  /** An allowed usage after the grant expired or was revoked. */
  USAGE_AFTER_EXPIRY(Severity.HIGH, EnumSet.of(REVOKE)),
  /** A second usage of a single-use token. */
  TOKEN_REUSE(Severity.HIGH, EnumSet.of(REVOKE)),
  /** The approver is the requester. */
  SELF_APPROVAL(Severity.HIGH, EnumSet.of(REVOKE)),
  /** Approval with an authentication context class below loa2. */
  WEAK_APPROVER_ASSURANCE(Severity.MEDIUM, EnumSet.of(NOTIFY)),
  /** A grant or usage before every required approver role approved. */
  MISSING_APPROVALS(Severity.HIGH, EnumSet.of(REVOKE)),
  /** A grant long after the oldest required approval. */
  STALE_APPROVAL(Severity.MEDIUM, EnumSet.of(NOTIFY)),
  /** A usage outside the request's scope or tenant. */
  SCOPE_ESCALATION(Severity.HIGH, EnumSet.of(REVOKE)),
  /** A grant longer than the maximum grant duration. */
  EXCESSIVE_DURATION(Severity.MEDIUM, EnumSet.of(NOTIFY)),
  /** A second grant, or a later expiry, for the same request or token. */
  EXPIRY_EXTENDED(Severity.HIGH, EnumSet.of(REVOKE)),
  /** A grant while the subject already holds an unexpired grant on the account. */
  DUPLICATE_GRANT(Severity.MEDIUM, EnumSet.of(NOTIFY)),
  /** An authorized root session without a break-glass root declaration. */
  MISSING_AUDIT_RECORD(Severity.MEDIUM, EnumSet.of(NOTIFY)),
  /** Root activity past the declared session duration. */
  SESSION_OVERRUN(Severity.MEDIUM, EnumSet.of(NOTIFY)),
  /** Too many requests by one subject in the repeat window. */
  REPEATED_BREAK_GLASS(Severity.LOW, EnumSet.of(NOTIFY)),
  /** Too many denied usages of one request in ten minutes. */
  DENIED_ATTEMPTS(Severity.MEDIUM, EnumSet.of(NOTIFY)),
  /** A break-glass request or root declaration by a principal the policy does not list (SPEC 1.5). */
  UNLISTED_BREAK_GLASS_PRINCIPAL(Severity.HIGH, EnumSet.of(PAGE, REVOKE)),
  /** The JIT controller reports an ERROR for a request (SPEC 1.4); in the revoke phase the assignment may remain. */
  GRANT_ERROR(Severity.HIGH, EnumSet.of(NOTIFY)),
  /** The AuthZ gateway's signed audit chain does not verify at a record (SPEC 1.4). */
  GATEWAY_AUDIT_TAMPERED(Severity.CRITICAL, EnumSet.of(PAGE)),
  /**
   * Two inputs with the same idempotency key (CloudTrail {@code eventID}) and different content; both are
   * kept in the timeline and the second is judged too.
   */
  CONFLICTING_DUPLICATE(Severity.HIGH, EnumSet.of(NOTIFY)),
  /** An auto-revoke not confirmed within the revoke deadline. */
  REVOKE_FAILED(Severity.CRITICAL, EnumSet.of(PAGE)),
  /**
   * A session Glasswatch contained still makes a successful call after the containment was confirmed,
   * or the containment (deny statement read back and provisioned) is not confirmed within the revoke
   * deadline.
   */
  CONTAINMENT_FAILED(Severity.CRITICAL, EnumSet.of(PAGE));

  private final Severity defaultSeverity;
  private final Set<Action> defaultActions;

  AlertType(Severity defaultSeverity, Set<Action> defaultActions) {
    this.defaultSeverity = defaultSeverity;
    this.defaultActions = Set.copyOf(defaultActions);
  }

  /** Severity of SPEC section 3. */
  public Severity defaultSeverity() {
    return defaultSeverity;
  }

  /** Default actions of SPEC section 3 (immutable). */
  public Set<Action> defaultActions() {
    return defaultActions;
  }

  /** The runbook anchor: {@code docs/runbooks.md#<type in lower kebab case>}, e.g. {@code docs/runbooks.md#token-reuse}. */
  public String defaultRunbook() {
    return "docs/runbooks.md#" + name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
