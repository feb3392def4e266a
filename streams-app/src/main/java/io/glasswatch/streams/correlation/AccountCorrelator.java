package io.glasswatch.streams.correlation;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.detection.RootActivity;
import io.glasswatch.streams.enforcement.RevokeCommands;
import io.glasswatch.streams.input.EventTimeExtractor;
import io.glasswatch.streams.policy.Action;
import io.glasswatch.streams.policy.AlertType;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.state.JsonSerde;
import io.glasswatch.streams.timeline.TimelineDraft;
import io.glasswatch.streams.timeline.TimelineDrafts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage B, keyed by AWS account id: root activity judged against the account's grants, in event time.
 * Inputs: CloudTrail records, GuardDuty findings, account-scoped gateway events (rotation,
 * root_declaration) and grant facts from stage A. State: {@value #STORE} (JSON {@code AccountState}),
 * {@value #CLOUDTRAIL_SEEN} and {@value #GUARDDUTY_SEEN} (de-duplication keys).
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>Root activity (see {@link RootActivity}): a successful root CloudTrail call, or a non-sample
 *       RootCredentialUsage finding at {@code eventLastSeen}. Failed root calls and sign-ins, non-root
 *       records and other findings go to the timeline under {@code account:<id>} at once.
 *   <li>Covering grant: an approved grant on the account whose window {@code [grantedAt - skew, end +
 *       skew]} contains the event time (end = the earlier of {@code expiresAt}, an expiry event, and a
 *       revocation); a {@code root} request is preferred, then the earliest grant. A covered event is
 *       filed under the request at once. An uncovered one waits (PENDING) until stream time reaches
 *       {@code eventTime + decisionDelay}; a grant fact arriving before then still covers it.
 *   <li>UNAUTHORIZED_ROOT_USE (one per unauthorized session): uncovered root events at most
 *       {@code rootSessionGap} apart form a session; the alert is decided when its first event is
 *       judged, with the session's events known then as evidence (root events still pending that
 *       chain into it included), id defined by the first event. Later events of the session (a late
 *       CloudTrail record too) only go to the timeline. Sessions are not merged once alerted. Revokes
 *       every grant active at the decision that has an assignment.
 *   <li>ROOT_LOGIN_WITHOUT_MFA: a successful root ConsoleLogin without MFA, authorized or not, filed
 *       under the covering request or the account, decided like the event itself.
 *   <li>ROTATION_OVERDUE (once per session): when stream time reaches session end +
 *       {@code rotationDeadline} with no rotation evidence between the session's first root event and
 *       that deadline. Authorized session = the root events a grant covered, ending when the grant
 *       ends; unauthorized session ends at its last event. Evidence = a gateway {@code rotation} event
 *       for the account, or a root credential change covered by a grant. A credential change inside an
 *       unauthorized session is the intruder's doing (for example a new access key), not a rotation,
 *       and never counts. Revokes the request's grant if it is still active.
 *   <li>De-duplication: a CloudTrail record is identified by {@code eventID} (with its event time), a
 *       finding by id and {@code updatedAt}, an account-scoped gateway event by {@code sourceDigest};
 *       a re-delivered copy produces nothing. Keys are kept {@code stateRetention} of event time.
 * </ul>
 *
 * <p>Time: deadlines are evaluated after every record for its account and by a STREAM_TIME
 * punctuator every {@link #DEADLINE_INTERVAL} for all accounts of the task; keys older than the
 * retention are purged every {@link #PURGE_INTERVAL} of stream time. In replay stream time comes from
 * event time alone; in live operation a partition that receives nothing does not advance, so the
 * clock ticker's tick records advance it (see {@code ClockTick}). The decision delay must exceed the
 * time a grant fact needs to travel from stage A (one repartition and one commit).
 */
public final class AccountCorrelator implements Processor<String, AccountInput, String, Emission> {
  /** Store of account state: account id to JSON state. */
  public static final String STORE = "account-state";
  /** De-duplication store of CloudTrail records: {@code <eventTime 19 digits>|<eventID>} to event time. */
  public static final String CLOUDTRAIL_SEEN = "cloudtrail-seen";
  /** De-duplication store of findings: {@code <eventTime 19 digits>|<id>|<updatedAt>} to event time. */
  public static final String GUARDDUTY_SEEN = "guardduty-seen";
  /** Stream-time interval of the deadline scan. */
  public static final Duration DEADLINE_INTERVAL = Duration.ofSeconds(10);
  /** Stream-time interval of the de-duplication purge. */
  public static final Duration PURGE_INTERVAL = Duration.ofHours(1);

  private static final Logger LOG = LoggerFactory.getLogger(AccountCorrelator.class);

  private final Policy policy;
  private final long skew;
  private final long decisionDelay;
  private final long gap;
  private final long rotationDeadline;
  private ProcessorContext<String, Emission> context;
  private KeyValueStore<String, AccountState> store;
  private KeyValueStore<String, Long> cloudTrailSeen;
  private KeyValueStore<String, Long> guardDutySeen;

  private AccountCorrelator(Policy policy) {
    this.policy = policy;
    this.skew = policy.skew().toMillis();
    this.decisionDelay = policy.decisionDelay().toMillis();
    this.gap = policy.rootSessionGap().toMillis();
    this.rotationDeadline = policy.rotationDeadline().toMillis();
  }

  /** A supplier of correlators applying {@code policy}, declaring the three stores. */
  public static ProcessorSupplier<String, AccountInput, String, Emission> supplier(Policy policy) {
    return new ProcessorSupplier<>() {
      @Override
      public Processor<String, AccountInput, String, Emission> get() {
        return new AccountCorrelator(policy);
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        // insertion order, so that the topology description is the same in every JVM
        Set<StoreBuilder<?>> stores = new LinkedHashSet<>();
        stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
            new JsonSerde<>(AccountState.class)));
        stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLOUDTRAIL_SEEN), Serdes.String(),
            Serdes.Long()));
        stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GUARDDUTY_SEEN), Serdes.String(),
            Serdes.Long()));
        return stores;
      }
    };
  }

  @Override
  public void init(ProcessorContext<String, Emission> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.cloudTrailSeen = context.getStateStore(CLOUDTRAIL_SEEN);
    this.guardDutySeen = context.getStateStore(GUARDDUTY_SEEN);
    context.schedule(DEADLINE_INTERVAL, PunctuationType.STREAM_TIME, this::evaluateAll);
    context.schedule(PURGE_INTERVAL, PunctuationType.STREAM_TIME, this::purgeSeen);
  }

  @Override
  public void process(Record<String, AccountInput> record) {
    String account = record.key();
    AccountState s = store.get(account);
    if (s == null) {
      s = new AccountState(account);
    }
    boolean changed = switch (record.value()) {
      case AccountInput.CloudTrail c -> onCloudTrail(s, c.event());
      case AccountInput.GuardDuty g -> onGuardDuty(s, g.finding());
      case AccountInput.Gateway g -> onGateway(s, g.event());
      case AccountInput.Fact f -> onFact(s, f.fact());
      case AccountInput.Lifecycle l -> false; // the request lifecycle state machine consumes these
    };
    changed |= evaluate(s, context.currentStreamTimeMs());
    if (changed) {
      store.put(account, s);
    }
  }

  private boolean onCloudTrail(AccountState s, CloudTrailEvent e) {
    long at = e.getEventTime().toEpochMilli();
    String seenKey = seenKey(at, e.getEventID());
    if (cloudTrailSeen.get(seenKey) != null) {
      return false;
    }
    cloudTrailSeen.put(seenKey, at);
    boolean root = RootActivity.isRoot(e);
    boolean credentialChange = RootActivity.isCredentialChange(e);
    TimelineDraft draft = TimelineDrafts.cloudTrail(e, s.accountId, root, credentialChange);
    if (!RootActivity.opensSession(e)) {
      emitTimeline(draft, TimelineDraft.accountCorrelation(s.accountId), null, at);
      return false;
    }
    admit(s, new AccountState.PendingRoot(e.getEventID(), at, e.getEventName(), e.getSourceIPAddress(),
        TimelineDrafts.identityOf(e), RootActivity.isLoginWithoutMfa(e), credentialChange, draft));
    return true;
  }

  private boolean onGuardDuty(AccountState s, GuardDutyFinding f) {
    long at = EventTimeExtractor.eventTime(f) == null ? context.currentStreamTimeMs()
        : EventTimeExtractor.eventTime(f).toEpochMilli();
    long updated = f.getUpdatedAt() == null ? at : f.getUpdatedAt().toEpochMilli();
    String seenKey = seenKey(at, f.getId() + "|" + updated);
    if (guardDutySeen.get(seenKey) != null) {
      return false;
    }
    guardDutySeen.put(seenKey, at);
    TimelineDraft draft = TimelineDrafts.guardDuty(f, at);
    if (!RootActivity.isRootCredentialUsage(f)) {
      emitTimeline(draft, TimelineDraft.accountCorrelation(s.accountId), null, at);
      return false;
    }
    String subject = f.getAccessKeyUserName() == null ? "root" : f.getAccessKeyUserName();
    admit(s, new AccountState.PendingRoot(f.getId(), at, f.getType(), f.getRemoteIp(), subject, false, false, draft));
    return true;
  }

  private boolean onGateway(AccountState s, GatewayEvent e) {
    long at = e.getTimestamp().toEpochMilli();
    if (s.gatewayDigests.containsKey(e.getSourceDigest())) {
      return false;
    }
    s.gatewayDigests.put(e.getSourceDigest(), at);
    String scope = e.getRequestId() != null ? e.getRequestId() : TimelineDraft.accountCorrelation(s.accountId);
    int n = s.gatewayCounts.merge(scope + "/" + e.getType(), 1, Integer::sum);
    String eventId = scope + "/" + e.getType() + "/" + n;
    emitTimeline(TimelineDrafts.gateway(e, eventId, null, s.accountId), scope, e.getRequestId(), at);
    if ("rotation".equals(e.getType())) {
      s.rotations.add(at);
      s.rotations.sort(Comparator.naturalOrder());
    }
    return true;
  }

  private boolean onFact(AccountState s, GrantFact fact) {
    AccountState.GrantView v = s.grants.get(fact.requestId());
    if (v == null) {
      s.grants.put(fact.requestId(), new AccountState.GrantView(fact));
    } else {
      v.fact = fact;
    }
    List<AccountState.PendingRoot> waiting = new ArrayList<>(s.pending);
    waiting.sort(PENDING_ORDER);
    for (AccountState.PendingRoot p : waiting) {
      AccountState.GrantView g = covering(s, p.eventTime);
      if (g != null) {
        s.pending.remove(p);
        decideCovered(s, p, g);
      }
    }
    return true;
  }

  /** Files a root event under its covering grant now, or leaves it pending. */
  private void admit(AccountState s, AccountState.PendingRoot p) {
    AccountState.GrantView g = covering(s, p.eventTime);
    if (g != null) {
      decideCovered(s, p, g);
    } else {
      s.pending.add(p);
    }
  }

  /** The grant covering an event at {@code t}: root requests first, then the earliest grant; null if none. */
  private AccountState.GrantView covering(AccountState s, long t) {
    AccountState.GrantView best = null;
    for (AccountState.GrantView v : s.grants.values()) {
      if (!v.covers(t, skew)) {
        continue;
      }
      if (best == null
          || v.fact.isRoot() && !best.fact.isRoot()
          || v.fact.isRoot() == best.fact.isRoot() && v.fact.grantedAt() < best.fact.grantedAt()) {
        best = v;
      }
    }
    return best;
  }

  private void decideCovered(AccountState s, AccountState.PendingRoot p, AccountState.GrantView g) {
    String requestId = g.fact.requestId();
    emitTimeline(p.draft, requestId, requestId, p.eventTime);
    if (g.firstRootAt == null || p.eventTime < g.firstRootAt) {
      g.firstRootAt = p.eventTime;
      g.firstRootEventId = p.eventId;
    }
    g.lastRootAt = g.lastRootAt == null ? p.eventTime : Math.max(g.lastRootAt, p.eventTime);
    if (g.rootEventIds.size() < AccountState.MAX_EVIDENCE) {
      g.rootEventIds.add(p.eventId);
    }
    if (p.credentialChange) {
      s.rotations.add(p.eventTime);
      s.rotations.sort(Comparator.naturalOrder());
    }
    if (p.loginWithoutMfa) {
      raiseLoginWithoutMfa(s, p, requestId, g.fact.subject() != null ? g.fact.subject() : p.subject);
    }
  }

  /**
   * Decides every pending event whose decision delay has passed, raises the alerts of new sessions,
   * decides rotation deadlines, and drops state older than the retention.
   *
   * @return whether {@code s} changed
   */
  private boolean evaluate(AccountState s, long now) {
    boolean changed = false;
    List<AccountState.PendingRoot> due = new ArrayList<>();
    for (AccountState.PendingRoot p : s.pending) {
      if (p.eventTime + decisionDelay <= now) {
        due.add(p);
      }
    }
    if (!due.isEmpty()) {
      changed = true;
      s.pending.removeAll(due);
      due.sort(PENDING_ORDER);
      List<AccountState.RootSession> opened = new ArrayList<>();
      List<AccountState.PendingRoot> withoutMfa = new ArrayList<>();
      for (AccountState.PendingRoot p : due) {
        AccountState.GrantView g = covering(s, p.eventTime);
        if (g != null) {
          decideCovered(s, p, g);
          continue;
        }
        emitTimeline(p.draft, TimelineDraft.accountCorrelation(s.accountId), null, p.eventTime);
        AccountState.RootSession session = sessionOf(s, p.eventTime);
        if (session == null) {
          session = new AccountState.RootSession(p);
          s.sessions.add(session);
          opened.add(session);
        } else {
          session.add(p);
        }
        if (p.loginWithoutMfa) {
          withoutMfa.add(p);
        }
      }
      for (AccountState.RootSession session : opened) {
        raiseUnauthorized(s, session, now);
      }
      for (AccountState.PendingRoot p : withoutMfa) {
        raiseLoginWithoutMfa(s, p, null, p.subject);
      }
    }
    changed |= evaluateRotation(s, now);
    changed |= purge(s, now);
    return changed;
  }

  /** The unauthorized session an event at {@code t} belongs to (within the gap of it), nearest first; null if none. */
  private AccountState.RootSession sessionOf(AccountState s, long t) {
    AccountState.RootSession best = null;
    long bestDistance = Long.MAX_VALUE;
    for (AccountState.RootSession session : s.sessions) {
      if (t >= session.firstAt - gap && t <= session.lastAt + gap) {
        long distance = t < session.firstAt ? session.firstAt - t : t > session.lastAt ? t - session.lastAt : 0;
        if (distance < bestDistance) {
          best = session;
          bestDistance = distance;
        }
      }
    }
    return best;
  }

  private void raiseUnauthorized(AccountState s, AccountState.RootSession session, long now) {
    String correlationId = TimelineDraft.accountCorrelation(s.accountId);
    List<String> evidence = new ArrayList<>(session.eventIds);
    long last = session.lastAt;
    List<AccountState.PendingRoot> waiting = new ArrayList<>(s.pending);
    waiting.sort(PENDING_ORDER);
    for (AccountState.PendingRoot p : waiting) {
      if (p.eventTime >= session.firstAt - gap && p.eventTime <= last + gap && evidence.size() < AccountState.MAX_EVIDENCE) {
        evidence.add(p.eventId);
        last = Math.max(last, p.eventTime);
      }
    }
    AlertBuilder b = AlertBuilder.of(policy, AlertType.UNAUTHORIZED_ROOT_USE)
        .correlationId(correlationId).accountId(s.accountId).subject(session.subject)
        .defining(session.firstEventId).evidence(evidence).detectedAt(now).eventTime(session.firstAt);
    List<AccountState.GrantView> targets = new ArrayList<>();
    int unrevocable = 0;
    if (b.has(Action.REVOKE)) {
      for (AccountState.GrantView v : s.grants.values()) {
        if (v.activeAt(now)) {
          if (v.fact.assignment() != null) {
            targets.add(v);
          } else {
            unrevocable++;
          }
        }
      }
    }
    StringBuilder summary = new StringBuilder(String.format(
        "Root credentials of account %s were used with no covering break-glass grant: %s at %s%s (%d root %s known).",
        s.accountId, session.firstAction, Instant.ofEpochMilli(session.firstAt),
        session.firstSourceIp == null ? "" : " from " + session.firstSourceIp, evidence.size(),
        evidence.size() == 1 ? "event" : "events"));
    if (!targets.isEmpty()) {
      summary.append(String.format(" Revoking %d active %s.", targets.size(), targets.size() == 1 ? "grant" : "grants"));
    }
    if (unrevocable > 0) {
      summary.append(String.format(" %d active %s no recorded assignment and cannot be revoked automatically.",
          unrevocable, unrevocable == 1 ? "grant has" : "grants have"));
      LOG.warn("account {}: {} active grants without an assignment cannot be revoked", s.accountId, unrevocable);
    }
    b.summary(summary.toString()).revokedRequestIds(targets.stream().map(v -> v.fact.requestId()).toList());
    Alert alert = emitAlert(b, now);
    session.alertId = alert.getAlertId();
    for (AccountState.GrantView v : targets) {
      revoke(v, alert, now);
    }
  }

  private void raiseLoginWithoutMfa(AccountState s, AccountState.PendingRoot p, String requestId, String subject) {
    long now = context.currentStreamTimeMs();
    String correlationId = requestId != null ? requestId : TimelineDraft.accountCorrelation(s.accountId);
    AlertBuilder b = AlertBuilder.of(policy, AlertType.ROOT_LOGIN_WITHOUT_MFA)
        .correlationId(correlationId).requestId(requestId).accountId(s.accountId).subject(subject)
        .defining(p.eventId).detectedAt(now).eventTime(p.eventTime)
        .summary(String.format("The root user signed in to the console of account %s at %s%s without MFA%s.",
            s.accountId, Instant.ofEpochMilli(p.eventTime), p.sourceIp == null ? "" : " from " + p.sourceIp,
            requestId == null ? " and without a covering break-glass grant" : " under break-glass request " + requestId));
    revokeFor(s, b, requestId, now);
  }

  private boolean evaluateRotation(AccountState s, long now) {
    boolean changed = false;
    for (AccountState.RootSession session : s.sessions) {
      long deadline = session.lastAt + rotationDeadline;
      if (session.rotationDecided || session.alertId == null || now < deadline) {
        continue;
      }
      session.rotationDecided = true;
      changed = true;
      if (!rotatedBetween(s, session.firstAt, deadline)) {
        AlertBuilder b = AlertBuilder.of(policy, AlertType.ROTATION_OVERDUE)
            .correlationId(TimelineDraft.accountCorrelation(s.accountId)).accountId(s.accountId)
            .subject(session.subject).defining(session.firstEventId).evidence(session.eventIds)
            .detectedAt(now).eventTime(deadline)
            .summary(String.format("The root credentials of account %s were not rotated by %s, %s after the "
                + "unauthorized root session of %s to %s ended.", s.accountId, Instant.ofEpochMilli(deadline),
                policy.rotationDeadline(), Instant.ofEpochMilli(session.firstAt), Instant.ofEpochMilli(session.lastAt)));
        revokeFor(s, b, null, now);
      }
    }
    for (AccountState.GrantView v : s.grants.values()) {
      Long end = v.end();
      if (v.firstRootAt == null || v.rotationDecided || end == null || now < end + rotationDeadline) {
        continue;
      }
      long deadline = end + rotationDeadline;
      v.rotationDecided = true;
      changed = true;
      if (!rotatedBetween(s, v.firstRootAt, deadline)) {
        String requestId = v.fact.requestId();
        AlertBuilder b = AlertBuilder.of(policy, AlertType.ROTATION_OVERDUE)
            .correlationId(requestId).requestId(requestId).accountId(s.accountId).subject(v.fact.subject())
            .defining(v.firstRootEventId).evidence(v.rootEventIds).detectedAt(now).eventTime(deadline)
            .summary(String.format("The root credentials of account %s were not rotated by %s, %s after the "
                + "grant of break-glass request %s ended at %s.", s.accountId, Instant.ofEpochMilli(deadline),
                policy.rotationDeadline(), requestId, Instant.ofEpochMilli(end)));
        revokeFor(s, b, requestId, now);
      }
    }
    return changed;
  }

  private static boolean rotatedBetween(AccountState s, long from, long to) {
    for (long t : s.rotations) {
      if (t >= from && t <= to) {
        return true;
      }
    }
    return false;
  }

  /**
   * Emits an alert; when its policy includes revoke, revokes the request's grant if it is still active
   * (request correlation) or every active grant of the account (account correlation).
   */
  private void revokeFor(AccountState s, AlertBuilder b, String requestId, long now) {
    List<AccountState.GrantView> targets = new ArrayList<>();
    if (b.has(Action.REVOKE)) {
      for (AccountState.GrantView v : s.grants.values()) {
        if ((requestId == null || requestId.equals(v.fact.requestId())) && v.activeAt(now)) {
          targets.add(v);
        }
      }
    }
    b.revokedRequestIds(targets.stream().map(v -> v.fact.requestId()).toList());
    Alert alert = emitAlert(b, now);
    for (AccountState.GrantView v : targets) {
      revoke(v, alert, now);
    }
  }

  private Alert emitAlert(AlertBuilder b, long now) {
    Alert alert = b.build();
    context.forward(new Record<>(alert.getCorrelationId(), new Emission.Raised(alert), now));
    emitTimeline(TimelineDrafts.alert(alert), alert.getCorrelationId(), alert.getRequestId(), now);
    return alert;
  }

  private void revoke(AccountState.GrantView v, Alert alert, long now) {
    String requestId = v.fact.requestId();
    RevokeCommand cmd = RevokeCommands.forAlert(alert, requestId, Assignment.toAvro(v.fact.assignment()),
        v.fact.tokenFingerprint(), now, context.currentSystemTimeMs());
    context.forward(new Record<>(cmd.getCommandId(), new Emission.Revoke(cmd), now));
    emitTimeline(TimelineDrafts.revokeRequested(cmd), requestId, requestId, now);
    if (v.revokedHereAt == null || now < v.revokedHereAt) {
      v.revokedHereAt = now;
    }
  }

  private boolean purge(AccountState s, long now) {
    long cutoff = now - policy.stateRetention().toMillis();
    boolean changed = s.sessions.removeIf(x -> x.rotationDecided && x.lastAt < cutoff);
    changed |= s.grants.values().removeIf(v -> {
      Long end = v.end();
      boolean decided = v.firstRootAt == null || v.rotationDecided;
      return decided && (end != null ? end < cutoff : v.fact.grantedAt() < cutoff);
    });
    changed |= s.rotations.removeIf(t -> t < cutoff);
    changed |= s.gatewayDigests.values().removeIf(t -> t < cutoff);
    return changed;
  }

  private void evaluateAll(long now) {
    List<KeyValue<String, AccountState>> changed = new ArrayList<>();
    try (KeyValueIterator<String, AccountState> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, AccountState> kv = it.next();
        if (evaluate(kv.value, now)) {
          changed.add(kv);
        }
      }
    }
    for (KeyValue<String, AccountState> kv : changed) {
      if (kv.value.isIdle()) {
        store.delete(kv.key);
      } else {
        store.put(kv.key, kv.value);
      }
    }
  }

  private void purgeSeen(long now) {
    String to = seenKey(now - policy.stateRetention().toMillis(), "");
    for (KeyValueStore<String, Long> seen : List.of(cloudTrailSeen, guardDutySeen)) {
      List<String> old = new ArrayList<>();
      try (KeyValueIterator<String, Long> it = seen.range(null, to)) {
        it.forEachRemaining(kv -> old.add(kv.key));
      }
      old.forEach(seen::delete);
    }
  }

  private void emitTimeline(TimelineDraft draft, String correlationId, String requestId, long timestamp) {
    context.forward(new Record<>(correlationId, new Emission.Timeline(draft.toEntry(correlationId, requestId)),
        timestamp));
  }

  /** De-duplication key: event time zero-padded to 19 digits, so a range scan finds every key older than a time. */
  static String seenKey(long eventTime, String id) {
    return String.format("%019d|%s", Math.max(0, eventTime), id);
  }

  private static final Comparator<AccountState.PendingRoot> PENDING_ORDER =
      Comparator.comparingLong((AccountState.PendingRoot p) -> p.eventTime).thenComparing(p -> p.eventId);
}
