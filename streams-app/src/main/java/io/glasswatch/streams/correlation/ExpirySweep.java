package io.glasswatch.streams.correlation;

import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.streams.enforcement.RevokeCommands;
import io.glasswatch.streams.enforcement.SweeperSettings;
import io.glasswatch.streams.timeline.TimelineDrafts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Stage B's expiry sweeper: once deadline time reaches the end of a grant with an assignment (its
 * {@code expiresAt}, or an expiry event), the assignment must be gone. If no other active grant of the
 * same principal relies on it, a revoke command with trigger {@code expiry} goes out (id
 * {@link RevokeCommands#expiryCommandId}; the executor answers ALREADY_ABSENT if the gateway removed it,
 * and a CONFIRMED result is a late revoke); otherwise an {@code expiry_sweep_kept} timeline entry names
 * the grants that still need it, whose own ends are swept later. Grants are judged in order of their
 * end; of several ended grants sharing one assignment (a late evaluation, a replay) only the last to
 * end issues the command. Each grant is judged once. A grant that ended more than
 * {@code revoke.sweeper.lookback} before the sweeper reaches it (a first start on a backlog, a long
 * outage) is not checked: an {@code expiry_sweep_skipped} entry says so. With
 * {@code revoke.sweeper.enabled=false} the sweeper does nothing.
 */
final class ExpirySweep {
  private final SweeperSettings sweeper;

  ExpirySweep(SweeperSettings sweeper) {
    this.sweeper = sweeper;
  }

  /**
   * Whether the sweeper still owes the grant a judgement: the sweeper is enabled, and the grant has an
   * assignment, an end (expiry or early end), was not revoked by Glasswatch, and was not swept yet.
   */
  boolean sweepable(AccountState.GrantView v) {
    return sweeper.enabled() && !v.swept && v.fact.assignment() != null && v.fact.end() != null
        && v.revokedHereAt == null && !"revoked".equals(v.fact.endReason());
  }

  /** The earliest end of a grant the sweeper still owes a judgement, or null. */
  Long nextDue(AccountState s) {
    Long due = null;
    for (AccountState.GrantView v : s.grants.values()) {
      if (sweepable(v)) {
        due = RequestLifecycle.earliest(due, v.fact.end());
      }
    }
    return due;
  }

  /**
   * Sweeps the grants of {@code s} that ended by {@code now} (class Javadoc).
   *
   * @return whether {@code s} changed
   */
  boolean evaluate(AccountState s, long now, AccountEffects out) {
    boolean changed = false;
    List<AccountState.GrantView> byEnd = new ArrayList<>();
    for (AccountState.GrantView v : s.grants.values()) {
      if (!v.swept && v.fact.assignment() != null && v.fact.end() != null) {
        byEnd.add(v);
      }
    }
    byEnd.sort(Comparator.comparingLong((AccountState.GrantView v) -> v.fact.end())
        .thenComparing(v -> v.fact.requestId()));
    for (int i = 0; i < byEnd.size(); i++) {
      AccountState.GrantView v = byEnd.get(i);
      if (!sweepable(v)) {
        v.swept = true;
        changed = true;
      } else if (v.fact.end() <= now) {
        v.swept = true;
        changed = true;
        sweep(s, v, byEnd.subList(i + 1, byEnd.size()), now, out);
      }
    }
    return changed;
  }

  /**
   * Told at once (SPEC 1.6): an {@code AssumeRoleWithSAML} into the role of ended grant {@code v} (event
   * {@code eventId} at {@code at}) means its account assignment is still there. Unless another active grant
   * of the same principal relies on it ({@code expiry_sweep_kept}), a revoke command with trigger
   * {@code expiry} goes out now ({@link RevokeCommands#forAssignmentSeen}), whether or not the grant was swept
   * before, and the grant counts as swept. Does nothing with the sweeper disabled.
   */
  void assignmentStillPresent(AccountState s, AccountState.GrantView v, String eventId, long at, long now,
      AccountEffects out) {
    if (!sweeper.enabled() || v.fact.assignment() == null || v.end() == null) {
      return;
    }
    v.swept = true;
    String requestId = v.fact.requestId();
    java.util.List<String> needed = AccountEffects.holders(s, v.fact.assignment(), requestId, now);
    if (!needed.isEmpty()) {
      out.emitTimeline(TimelineDrafts.sweepKept(requestId, v.fact.assignment().toAvro(), needed, now), requestId,
          requestId, now);
      return;
    }
    RevokeCommand cmd = RevokeCommands.forAssignmentSeen(requestId, v.fact.assignment().toAvro(),
        v.fact.tokenFingerprint(), v.end(), eventId, at, now, out.systemTime());
    out.forwardRevoke(cmd);
    out.emitTimeline(TimelineDrafts.revokeRequested(cmd), requestId, requestId, now);
  }

  /** Judges the ended grant {@code v}; {@code later}: the grants ending after it, in order. */
  private void sweep(AccountState s, AccountState.GrantView v, List<AccountState.GrantView> later, long now,
      AccountEffects out) {
    String requestId = v.fact.requestId();
    long end = v.fact.end();
    if (now - end > sweeper.lookback().toMillis()) {
      out.emitTimeline(TimelineDrafts.sweepSkipped(requestId, v.fact.assignment().toAvro(), end, sweeper.lookback(),
          now), requestId, requestId, now);
      return;
    }
    TreeSet<String> needed = new TreeSet<>(AccountEffects.holders(s, v.fact.assignment(), requestId, now));
    for (AccountState.GrantView o : later) {
      if (sweepable(o) && o.fact.end() <= now && v.fact.assignment().equals(o.fact.assignment())) {
        needed.add(o.fact.requestId());
      }
    }
    if (!needed.isEmpty()) {
      out.emitTimeline(TimelineDrafts.sweepKept(requestId, v.fact.assignment().toAvro(), List.copyOf(needed), now),
          requestId, requestId, now);
      return;
    }
    String reason = v.fact.endedAt() != null && end == v.fact.endedAt() && v.fact.endReason() != null
        ? v.fact.endReason() : "expiresAt";
    RevokeCommand cmd = RevokeCommands.forExpiry(requestId, v.fact.assignment().toAvro(),
        v.fact.tokenFingerprint(), end, reason, now, out.systemTime());
    out.forwardRevoke(cmd);
    out.emitTimeline(TimelineDrafts.revokeRequested(cmd), requestId, requestId, now);
  }
}
