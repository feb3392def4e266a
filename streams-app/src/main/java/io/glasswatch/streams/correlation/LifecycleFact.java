package io.glasswatch.streams.correlation;

import java.util.List;

/**
 * One step of a break-glass request's lifecycle as stage A sees it, sent re-keyed by account id to
 * stage B (JSON on the internal topic {@code request-lifecycle-facts}), where the request's
 * lifecycle state machine lives next to the account's root activity and rotation evidence.
 * Times are epoch milliseconds UTC, event time.
 *
 * @param requestId the request
 * @param accountId the request's AWS account
 * @param kind {@code root} or {@code jit}
 * @param subject who asked, or null when not known yet
 * @param tenant the request's tenant, or null
 * @param event what happened: {@code requested}, {@code approved} (every required role has
 *     approved), {@code granted}, {@code used} (a gateway usage with outcome allow), {@code expired}
 *     (ttl elapsed), {@code consumed}, {@code revoked}
 * @param at event time of the step
 * @param eventId the gateway event id ({@code <requestId>/<type>/<n>}) or revoke command id behind it
 * @param approverRoles roles that approved so far (for {@code approved}), else empty
 */
public record LifecycleFact(
    String requestId,
    String accountId,
    String kind,
    String subject,
    String tenant,
    String event,
    long at,
    String eventId,
    List<String> approverRoles) {

  /** Lifecycle steps stage A reports, in their usual order. */
  public static final List<String> EVENTS =
      List.of("requested", "approved", "granted", "used", "expired", "consumed", "revoked");

  /** Validates the step name and copies the roles. */
  public LifecycleFact {
    if (!EVENTS.contains(event)) {
      throw new IllegalArgumentException("unknown lifecycle event " + event + ", expected one of " + EVENTS);
    }
    approverRoles = approverRoles == null ? List.of() : List.copyOf(approverRoles);
  }
}
