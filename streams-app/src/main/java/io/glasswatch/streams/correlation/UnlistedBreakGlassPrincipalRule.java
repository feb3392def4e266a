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
 * {@code jit_requests} item is enrichment, not a request, and is not judged. Root declarations by an
 * unlisted {@code actor_id} and emergency-role sessions are judged in stage B.
 */
final class UnlistedBreakGlassPrincipalRule implements RequestRule {
  @Override
  public AlertType type() {
    return AlertType.UNLISTED_BREAK_GLASS_PRINCIPAL;
  }

  @Override
  public int rank() {
    return 135;
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
