package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.Action;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.enforcement.RevokeCommands;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.time.DeadlineClock;
import io.glasswatch.streams.timeline.TimelineChainer;
import io.glasswatch.streams.timeline.TimelineDraft;
import io.glasswatch.streams.timeline.TimelineDrafts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage B's outputs and time for one task: alerts, revoke commands (with the overlapping grants of one
 * account assignment), resolutions and timeline entries (entries of {@code account:<id>} correlations
 * chained here in {@value AccountCorrelator#ACCOUNT_CHAIN_STORE}, the others unchained for stage C), and the
 * {@link AccountContext} its rules see for one account ({@link #contextOf}).
 *
 * <p>Revoke rules: an alert whose policy includes revoke revokes the request's grant if it is still
 * active (request correlation) or every active grant of the account (account correlation); each command
 * names in {@code alsoRevokedRequestIds} the active grants of the same assignment that are not targets of
 * the same alert, which end here too ({@code revoke_overlap} entries), and the alert names them in
 * {@code revokedRequestIds} and its summary.
 */
final class AccountEffects {
  private final Policy policy;
  private final DeadlineClock clock;
  private final ProcessorContext<String, Emission> context;
  private final KeyValueStore<String, TimelineChainer.ChainHead> accountChains;

  AccountEffects(Policy policy, DeadlineClock clock, ProcessorContext<String, Emission> context,
      KeyValueStore<String, TimelineChainer.ChainHead> accountChains) {
    this.policy = policy;
    this.clock = clock;
    this.context = context;
    this.accountChains = accountChains;
  }

  /** The account's policy, {@code policy.resolve(accountId, null)}. */
  Policy accountPolicy(AccountState s) {
    return policy.resolve(s.accountId, null);
  }

  /** The policy of a grant's request (the account's for a null grant). */
  Policy policyOf(AccountState s, AccountState.GrantView v) {
    return policy.resolve(s.accountId, v == null ? null : v.tenant);
  }

  /** Deadline time for the account (its policy's allowed lateness, live). */
  long now(AccountState s) {
    return clock.at(context.currentStreamTimeMs(), context.currentSystemTimeMs(),
        accountPolicy(s).allowedLateness().toMillis());
  }

  /** Wall-clock time of the processing, epoch milliseconds (for a command's {@code requestedAt}). */
  long systemTime() {
    return context.currentSystemTimeMs();
  }

  /** The context the rules see for account {@code s}. */
  AccountContext contextOf(AccountState s) {
    return new AccountContext() {
      @Override
      public long lateInputWait(Policy pol) {
        return clock.lateInputWait(pol.decisionDelay());
      }

      @Override
      public long now() {
        return AccountEffects.this.now(s);
      }

      @Override
      public Policy accountPolicy() {
        return AccountEffects.this.accountPolicy(s);
      }

      @Override
      public Policy policyOf(AccountState.GrantView v) {
        return AccountEffects.this.policyOf(s, v);
      }

      @Override
      public Alert raise(AlertBuilder b, String requestId) {
        return revokeFor(s, b, requestId, now());
      }

      @Override
      public Alert raiseRevoking(AlertBuilder b, List<AccountState.GrantView> targets) {
        return raiseAndRevoke(s, b, targets, now());
      }

      @Override
      public Alert raiseOnly(AlertBuilder b) {
        return emitAlert(b, now());
      }

      @Override
      public void resolve(AlertResolution r) {
        long at = r.getResolvedAt().toEpochMilli();
        context.forward(new Record<>(r.getCorrelationId(), new Emission.Resolved(r), at));
        emitTimeline(TimelineDrafts.alertResolved(r), r.getCorrelationId(), r.getRequestId(), at);
      }
    };
  }

  /** Emits an alert; when its policy includes revoke, revokes as the class Javadoc says. */
  private Alert revokeFor(AccountState s, AlertBuilder b, String requestId, long now) {
    List<AccountState.GrantView> targets = new ArrayList<>();
    if (b.has(Action.REVOKE)) {
      for (AccountState.GrantView v : s.grants.values()) {
        if ((requestId == null || requestId.equals(v.fact.requestId())) && v.activeAt(now)) {
          targets.add(v);
        }
      }
    }
    return raiseAndRevoke(s, b, targets, now);
  }

  private Alert raiseAndRevoke(AccountState s, AlertBuilder b, List<AccountState.GrantView> targets, long now) {
    b.revokedRequestIds(targets.stream().map(v -> v.fact.requestId()).toList());
    Alert alert = emitAlert(overlapping(s, targets, b, now), now);
    for (AccountState.GrantView v : targets) {
      revoke(s, v, alert, now, targets);
    }
    return alert;
  }

  /**
   * Names in the alert the active grants that lose their assignment with the revokes of {@code targets}
   * without being targets themselves (overlapping grants of one principal): they join
   * {@code revokedRequestIds} and the summary says so.
   */
  private static AlertBuilder overlapping(AccountState s, List<AccountState.GrantView> targets, AlertBuilder b,
      long now) {
    Set<String> targeted = new TreeSet<>();
    targets.forEach(v -> targeted.add(v.fact.requestId()));
    TreeSet<String> also = new TreeSet<>();
    for (AccountState.GrantView v : targets) {
      for (String other : holders(s, v.fact.assignment(), v.fact.requestId(), now)) {
        if (!targeted.contains(other)) {
          also.add(other);
        }
      }
    }
    if (!also.isEmpty()) {
      b.revokedRequestIds(List.copyOf(also));
      b.appendSummary(overlapSentence(also));
    }
    return b;
  }

  /**
   * Requests other than {@code requestId} whose grants on the account are active at {@code t} and name the
   * same assignment (instance, account, permission set, principal type and id), sorted; empty for a null
   * assignment.
   */
  static List<String> holders(AccountState s, Assignment assignment, String requestId, long t) {
    if (assignment == null) {
      return List.of();
    }
    TreeSet<String> out = new TreeSet<>();
    for (AccountState.GrantView o : s.grants.values()) {
      if (!o.fact.requestId().equals(requestId) && assignment.equals(o.fact.assignment()) && o.activeAt(t)) {
        out.add(o.fact.requestId());
      }
    }
    return List.copyOf(out);
  }

  /**
   * A revoke command of stage A passing through: names the overlapping active grants in
   * {@code alsoRevokedRequestIds}, publishes the alert that came with it, files a {@code revoke_overlap}
   * timeline entry for each overlapping grant, marks them as ending here, and forwards the command.
   *
   * @return whether the command named overlapping grants (the state changed)
   */
  boolean onRevoke(AccountState s, RevokeCommand cmd, Alert alert) {
    long at = cmd.getIssuedAt().toEpochMilli();
    List<String> also = holders(s, Assignment.of(cmd.getAssignment()), cmd.getRequestId(), at);
    if (!also.isEmpty()) {
      cmd.setAlsoRevokedRequestIds(also);
    }
    publishOrderedAlert(alert, cmd);
    forwardRevoke(cmd);
    endOverlapping(s, cmd, at);
    return !also.isEmpty();
  }

  /**
   * Publishes the alert that came with a stage A command (nothing when {@code alert} is null): the
   * overlapping grants the command names join {@code revokedRequestIds} and the summary, the same
   * sentence stage B's own alerts carry. Then the alert's entry and the command's
   * {@code revoke_requested} entry go to the request's timeline, in that order.
   */
  void publishOrderedAlert(Alert alert, RevokeCommand cmd) {
    if (alert == null) {
      return;
    }
    long at = cmd.getIssuedAt().toEpochMilli();
    List<String> also = cmd.getAlsoRevokedRequestIds();
    if (!also.isEmpty()) {
      List<String> revoked = new ArrayList<>(alert.getRevokedRequestIds());
      also.stream().filter(id -> !revoked.contains(id)).forEach(revoked::add);
      alert.setRevokedRequestIds(revoked);
      alert.setSummary(alert.getSummary() + " " + overlapSentence(also));
    }
    context.forward(new Record<>(alert.getCorrelationId(), new Emission.Raised(alert), at));
    emitTimeline(TimelineDrafts.alert(alert), alert.getCorrelationId(), alert.getRequestId(), at);
    emitTimeline(TimelineDrafts.revokeRequested(cmd), cmd.getCorrelationId(), cmd.getRequestId(), at);
  }

  /** The summary sentence naming the overlapping grants {@code also} a revoke ends too. */
  private static String overlapSentence(Collection<String> also) {
    return "The same account assignment also serves the active grant"
        + (also.size() == 1 ? " of request " : "s of requests ") + String.join(", ", also)
        + " (same principal), which the revoke ends too.";
  }

  /** Files a {@code revoke_overlap} entry for, and ends here, each grant the command names as also revoked. */
  private void endOverlapping(AccountState s, RevokeCommand cmd, long at) {
    for (String other : cmd.getAlsoRevokedRequestIds()) {
      emitTimeline(TimelineDrafts.revokeOverlap(cmd, other), other, other, at);
      AccountState.GrantView o = s.grants.get(other);
      if (o != null && (o.revokedHereAt == null || at < o.revokedHereAt)) {
        o.revokedHereAt = at;
      }
    }
  }

  /** Forwards a revoke command to {@code revoke-commands}, at its {@code issuedAt}. */
  void forwardRevoke(RevokeCommand cmd) {
    context.forward(new Record<>(cmd.getCommandId(), new Emission.Revoke(cmd), cmd.getIssuedAt().toEpochMilli()));
  }

  private Alert emitAlert(AlertBuilder b, long now) {
    Alert alert = b.build();
    context.forward(new Record<>(alert.getCorrelationId(), new Emission.Raised(alert), now));
    emitTimeline(TimelineDrafts.alert(alert), alert.getCorrelationId(), alert.getRequestId(), now);
    return alert;
  }

  /**
   * Issues the revoke a provisional alert held back ({@link ProvisionalDecisions}) now that it stands for
   * good: the grants active at {@code now} that the alert's policy targets ({@code a.revoke}: every grant of
   * the account, those with an assignment, or one request's).
   */
  void revokeHeld(AccountState s, AccountState.ProvisionalAlert a, long now) {
    List<AccountState.GrantView> targets = new ArrayList<>();
    for (AccountState.GrantView v : s.grants.values()) {
      boolean wanted = switch (a.revoke) {
        case AccountState.ProvisionalAlert.REVOKE_ACCOUNT -> true;
        case AccountState.ProvisionalAlert.REVOKE_ASSIGNED -> v.fact.assignment() != null;
        default -> a.revoke.equals(v.fact.requestId());
      };
      if (wanted && v.activeAt(now)) {
        targets.add(v);
      }
    }
    for (AccountState.GrantView v : targets) {
      revoke(s, v, a.alertId, a.alertType, a.summary, now, targets);
    }
  }

  /**
   * Issues the revoke of one target grant; the command names the overlapping active grants that are not
   * targets of the same alert (those get commands of their own) in {@code alsoRevokedRequestIds}.
   */
  private void revoke(AccountState s, AccountState.GrantView v, Alert alert, long now,
      List<AccountState.GrantView> targets) {
    revoke(s, v, alert.getAlertId(), alert.getAlertType(), alert.getSummary(), now, targets);
  }

  private void revoke(AccountState s, AccountState.GrantView v, String alertId, String alertType, String summary,
      long now, List<AccountState.GrantView> targets) {
    String requestId = v.fact.requestId();
    RevokeCommand cmd = RevokeCommands.forAlert(alertId, alertType, summary, requestId,
        Assignment.toAvro(v.fact.assignment()), v.fact.tokenFingerprint(), now, context.currentSystemTimeMs());
    Set<String> targeted = new TreeSet<>();
    targets.forEach(t -> targeted.add(t.fact.requestId()));
    cmd.setAlsoRevokedRequestIds(holders(s, v.fact.assignment(), requestId, now).stream()
        .filter(r -> !targeted.contains(r)).toList());
    context.forward(new Record<>(cmd.getCommandId(), new Emission.Revoke(cmd), now));
    emitTimeline(TimelineDrafts.revokeRequested(cmd), requestId, requestId, now);
    endOverlapping(s, cmd, now);
    if (v.revokedHereAt == null || now < v.revokedHereAt) {
      v.revokedHereAt = now;
    }
  }

  /**
   * Emits a timeline entry: chained here when it belongs to the account's own chain (every
   * {@code account:<id>} correlation is emitted by this stage alone, keyed by that account), else
   * unchained for stage C.
   */
  void emitTimeline(TimelineDraft draft, String correlationId, String requestId, long timestamp) {
    var entry = draft.toEntry(correlationId, requestId);
    if (correlationId.startsWith(TimelineDraft.ACCOUNT_PREFIX)) {
      TimelineChainer.ChainHead head = accountChains.get(correlationId);
      var chained = TimelineChainer.link(entry, head);
      accountChains.put(correlationId, new TimelineChainer.ChainHead(chained.getSequence(), chained.getHash()));
      context.forward(new Record<>(correlationId, new Emission.Chained(chained), chained.getTimestamp().toEpochMilli()));
      return;
    }
    context.forward(new Record<>(correlationId, new Emission.Timeline(entry), timestamp));
  }
}
