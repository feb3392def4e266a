package io.glasswatch.streams.correlation;

import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.streams.input.InputValidation;

/**
 * Stage A's handling of the event types read from the break-glass systems' own records (SPEC 1.4,
 * {@code GatewayEvent.source} {@code authz-gateway} or {@code jit-controller}), kept out of
 * {@link RequestCorrelator}'s own switch:
 *
 * <ul>
 *   <li>{@code denial} (gateway {@code rejection}, JIT {@code DENIED}): the request was refused. A timeline
 *       entry; the first is remembered ({@code deniedEventId}). No grant and no lifecycle step; it is not a
 *       usage denial, so DENIED_ATTEMPTS (SPEC 3: {@code usage} denials) does not count it.
 *   <li>{@code error} (JIT {@code ERROR}): recorded for {@code GrantErrorRule}. An error in the revoke phase
 *       (or the reconciler's expiry) sets {@code revokeErrorAt}: the grant fact then ends at that time with
 *       reason {@code revoke_error}, so stage B's expiry sweeper checks the assignment.
 *   <li>{@code audit} (AuthZ gateway {@code audit.log}, {@code evidenceOnly}): evidence in the timeline only,
 *       never a lifecycle fact, so it never doubles a usage; a record whose {@code auditChainStatus} is
 *       {@code broken} is recorded for {@code GatewayAuditTamperedRule}.
 *   <li>A {@code request} with {@code sourceEventType} {@code jit_requests} enriches the request (subject,
 *       account) and is not a second request: no {@code requested} step, nothing to the subject stage.
 * </ul>
 */
final class SourceEvents {
  /** {@code sourceEventType} of a JIT controller {@code jit_requests} item. */
  static final String JIT_REQUESTS = "jit_requests";
  /** {@code auditChainStatus} of a record whose chain does not verify. */
  static final String BROKEN = "broken";

  private SourceEvents() {}

  /** Whether {@code e} is a {@code request} that only enriches the request (a {@code jit_requests} item). */
  static boolean isEnrichment(GatewayEvent e) {
    return "request".equals(e.getType()) && JIT_REQUESTS.equals(e.getSourceEventType());
  }

  /** Takes the subject and account of an enrichment {@code request} where the request has none yet. */
  static void enrich(RequestState s, GatewayEvent e) {
    if (s.subject == null) {
      s.subject = e.getSubject();
    }
    if (s.accountId == null) {
      s.accountId = e.getAccountId();
    }
  }

  /** Records a {@code denial}, {@code error} or {@code audit} event (class Javadoc). */
  static void record(RequestState s, GatewayEvent e, String eventId, long at) {
    switch (e.getType()) {
      case "denial" -> {
        if (s.deniedEventId == null) {
          s.deniedEventId = eventId;
        }
        if (s.accountId == null) {
          s.accountId = e.getAccountId();
        }
      }
      case "error" -> {
        RequestState.ErrorEvent err =
            new RequestState.ErrorEvent(eventId, at, e.getErrorPhase(), e.getErrorMessage(), e.getActor());
        s.errors.add(err);
        if (err.endingPhase() && (s.revokeErrorAt == null || at < s.revokeErrorAt)) {
          s.revokeErrorAt = at;
        }
        if (s.accountId == null) {
          s.accountId = e.getAccountId();
        }
      }
      case "audit" -> {
        if (s.subject == null && s.requestId.startsWith(InputValidation.SUBJECT_KEY_PREFIX)) {
          s.subject = e.getSubject();
        }
        if (BROKEN.equals(e.getAuditChainStatus())) {
          s.brokenAudits.add(new RequestState.BrokenAudit(eventId, at, e.getOrigin(), e.getAuditChainProblem(),
              e.getSourceDigest()));
        }
      }
      default -> throw new IllegalStateException("not a source event type: " + e.getType());
    }
  }

  /** The request id alerts of {@code s} carry: null for a {@code subject:<subject>} correlation. */
  static String requestIdOf(RequestState s) {
    return s.requestId.startsWith(InputValidation.SUBJECT_KEY_PREFIX) ? null : s.requestId;
  }
}
