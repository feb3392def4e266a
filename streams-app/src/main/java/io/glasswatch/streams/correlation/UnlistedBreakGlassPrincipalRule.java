package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;

/**
 * UNLISTED_BREAK_GLASS_PRINCIPAL (SPEC 1.5 and section 3), for requests: once the request event is
 * known, its subject must be on {@code breakGlassPrincipals} of the request's effective policy
 * ({@code policy.resolve(accountId, tenant)}: the account's list, else the tenant's, else the top-level
 * one; trimmed, case-insensitive). An absent list is no restriction. Once per request, defined by the
 * request event; evidence the request event. Default actions page and revoke: the revoke waits for a
 * grant (a request refused or never granted leaves nothing to revoke). A JIT controller
 * {@code jit_requests} item is enrichment, not a request, and is not judged.
 *
 * <p>And for root declarations (stage B, the same rule as an {@link AccountRule}): a break-glass root
 * declaration whose {@code actor_id} is not on the account's list ({@code policy.resolve(accountId, null)})
 * raises once per declaration, defined by the declaration's event id, when it is recorded. It revokes the
 * grant of the request the declaration names ({@code metadata.requestId}) if still active; a declaration
 * naming no request revokes nothing (the root session itself is judged by the root rules).
 *
 * <p>And for emergency-role sessions (SPEC 1.6, stage B): an {@code AssumeRole} of an emergency role whose
 * subject ({@code sourceIdentity}, else the role session name) is not on the account's list raises once per
 * {@code AssumeRole}, defined by its {@code eventID}, when it is recorded; it revokes the grant of the request
 * that covers the session, if any and still active.
 */
final class UnlistedBreakGlassPrincipalRule implements RequestRule, AccountRule {
  @Override
  public AlertType type() {
    return AlertType.UNLISTED_BREAK_GLASS_PRINCIPAL;
  }

  @Override
  public int rank() {
    return 135;
  }

  @Override
  public void onDeclaration(AccountState s, AccountState.Declaration d, AccountContext ctx) {
    Policy p = ctx.accountPolicy();
    if (p.allowsBreakGlass(d.actor())) {
      return;
    }
    AlertBuilder b = AlertBuilder.of(p, AlertType.UNLISTED_BREAK_GLASS_PRINCIPAL).defining(d.eventId())
        .detectedAt(ctx.now()).eventTime(d.at()).correlationId(d.requestId() != null ? d.requestId() : s.correlation())
        .requestId(d.requestId()).accountId(s.accountId).subject(d.actor())
        .summary(String.format("%s declared a break-glass root login to account %s at %s but is not on the policy's "
            + "breakGlassPrincipals %s.", d.actor() == null ? "Someone (no actor_id)" : d.actor(), s.accountId,
            Instant.ofEpochMilli(d.at()), p.breakGlassPrincipals()));
    if (d.requestId() != null) {
      ctx.raise(b, d.requestId());
    } else {
      ctx.raiseOnly(b);
    }
  }

  @Override
  public void onEmergencyAssume(AccountState s, AccountState.EmergencyAssume a, AccountContext ctx) {
    Policy p = ctx.accountPolicy();
    if (p.allowsBreakGlass(a.subject)) {
      return;
    }
    AlertBuilder b = AlertBuilder.of(p, AlertType.UNLISTED_BREAK_GLASS_PRINCIPAL).defining(a.eventId)
        .detectedAt(ctx.now()).eventTime(a.at).correlationId(a.coveredBy != null ? a.coveredBy : s.correlation())
        .requestId(a.coveredBy).accountId(s.accountId).subject(a.subject)
        .summary(String.format("%s assumed the emergency role %s in account %s at %s but is not on the policy's "
            + "breakGlassPrincipals %s.", a.subject == null ? "Someone (no source identity or session name)" : a.subject,
            a.roleArn, s.accountId, Instant.ofEpochMilli(a.at), p.breakGlassPrincipals()));
    if (a.coveredBy != null) {
      ctx.raise(b, a.coveredBy);
    } else {
      ctx.raiseOnly(b);
    }
  }

  @Override
  public void evaluate(RequestState s, RequestContext ctx) {
    if (!s.requested || !s.decided.add(AlertType.UNLISTED_BREAK_GLASS_PRINCIPAL.name())) {
      return;
    }
    Policy p = ctx.policy();
    if (p.allowsBreakGlass(s.subject)) {
      return;
    }
    RequestState.Step requested = s.steps.stream().filter(st -> st.event().equals("requested")).findFirst().orElse(null);
    long at = requested == null ? ctx.now() : requested.at();
    ctx.raise(AlertBuilder.of(p, AlertType.UNLISTED_BREAK_GLASS_PRINCIPAL).defining(RequestRules.requestEvidence(s)
            .toArray(String[]::new)).eventTime(at)
        .summary(String.format("%s requested break-glass access (request %s, account %s, tenant %s) at %s but is not "
            + "on the policy's breakGlassPrincipals %s.", s.subject, s.requestId, s.account(), s.tenant,
            Instant.ofEpochMilli(at), p.breakGlassPrincipals())));
  }
}
