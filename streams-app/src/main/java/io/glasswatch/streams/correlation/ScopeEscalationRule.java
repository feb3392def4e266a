package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * SCOPE_ESCALATION (SPEC section 3): a usage (any outcome) naming a scope that is not in the request's
 * scope (exact match; the request's default is {@code ["break_glass:elevated"]}; a usage naming no scope
 * claims none), or naming a tenant (trimmed, case-insensitive) other than the one the request names; a
 * request that names no tenant cannot be escalated by tenant (an AuthZ gateway request names none and its
 * usages carry the caller's own tenant). Decided once per usage, once the request is known. Defined by the usage, the
 * request event as evidence. Its revoke waits for a grant.
 */
final class ScopeEscalationRule implements RequestRule {
  @Override
  public AlertType type() {
    return AlertType.SCOPE_ESCALATION;
  }

  @Override
  public int rank() {
    return 90;
  }

  @Override
  public void evaluate(RequestState s, RequestContext ctx) {
    if (!s.requested) {
      return;
    }
    List<String> allowed = s.scope == null ? List.of() : s.scope;
    for (RequestState.Usage u : s.usages) {
      if (!s.decided.add(AlertType.SCOPE_ESCALATION + "|" + u.eventId)) {
        continue;
      }
      List<String> outside = u.scope == null ? List.of()
          : u.scope.stream().filter(x -> !allowed.contains(x)).distinct().toList();
      String usageTenant = u.tenant == null || u.tenant.isBlank() ? null : u.tenant.trim();
      // a request that names no tenant cannot be escalated by tenant (the AuthZ gateway's requests name
      // none, and its usages carry the caller's own tenant)
      boolean otherTenant = usageTenant != null && s.tenant != null && !s.tenant.isBlank()
          && !usageTenant.equalsIgnoreCase(s.tenant.trim());
      if (outside.isEmpty() && !otherTenant) {
        continue;
      }
      List<String> what = new ArrayList<>();
      if (!outside.isEmpty()) {
        what.add("scope " + outside + " outside the request's scope " + allowed);
      }
      if (otherTenant) {
        what.add("tenant " + usageTenant + " while the request is for tenant " + s.tenant);
      }
      ctx.raise(AlertBuilder.of(ctx.policy(), AlertType.SCOPE_ESCALATION).defining(u.eventId)
          .evidence(RequestRules.requestEvidence(s)).eventTime(u.at)
          .summary(String.format("The grant of request %s was used at %s (%s) with %s.", s.requestId,
              Instant.ofEpochMilli(u.at), u.outcome, String.join(" and ", what))));
    }
  }
}
