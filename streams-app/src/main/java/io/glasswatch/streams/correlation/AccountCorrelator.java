package io.glasswatch.streams.correlation;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.detection.RootActivity;
import io.glasswatch.streams.enforcement.RevokeCommands;
import io.glasswatch.streams.enforcement.SweeperSettings;
import io.glasswatch.streams.input.EventTimeExtractor;
import io.glasswatch.catalogue.Action;
import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.state.JsonSerde;
import io.glasswatch.streams.time.DeadlineClock;
import io.glasswatch.streams.timeline.TimelineChainer;
import io.glasswatch.streams.timeline.TimelineDraft;
import io.glasswatch.streams.timeline.TimelineDrafts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
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
 * Stage B, keyed by AWS account id: root activity judged against the account's grants, the account's
 * break-glass root declarations, and the lifecycle of the account's requests, in event time. Inputs:
 * CloudTrail records, GuardDuty findings, account-scoped gateway events (rotation, root_declaration),
 * grant facts and lifecycle facts from stage A, and the on-call delivery events of {@code account:<id>}
 * alerts (only chained into the account's timeline). State: {@value #STORE} (JSON {@code AccountState}),
 * {@value #LIFECYCLE_STORE} (JSON {@link RequestLifecycle} per request id), {@value #CLOUDTRAIL_SEEN}
 * and {@value #GUARDDUTY_SEEN} (de-duplication keys), {@value #ACCOUNT_CHAIN_STORE} (the head of the
 * account's own timeline chain: entries under {@code account:<id>} are chained here, the others go to
 * stage C).
 *
 * <p>Root semantics (see {@link RootActivity}): root USE is successful root activity per SPEC 1.2
 * ({@code userIdentity.type Root}, no {@code invokedBy}, {@code eventType != AwsServiceEvent}, no
 * {@code errorCode}, a ConsoleLogin only with outcome Success, a sign-in record not answered Failure),
 * or a non-sample RootCredentialUsage finding at {@code eventLastSeen}. Failed root sign-ins and console
 * root calls ({@code invokedBy signin.amazonaws.com}) are judged for coverage like root use but open no
 * session; other failed root calls, non-root records and other findings go to the timeline under
 * {@code account:<id>} at once.
 *
 * <p>Policy: every rule is judged with {@code policy.resolve(accountId, tenant)}, the tenant being that
 * of the covering request (from its lifecycle facts); an event no grant covers, and the decision delay
 * of a pending event, use the account's policy ({@code resolve(accountId, null)}). The windows of
 * coverage use each grant's own policy.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>Covering grant: an approved grant on the account whose window {@code [grantedAt - skew, end +
 *       skew]} contains the event time (end = the earlier of {@code expiresAt}, an expiry event, and a
 *       revocation); a {@code root} request is preferred, then the earliest grant. A covered event is
 *       filed under the request at once. An uncovered one waits (PENDING) until deadline time reaches
 *       {@code eventTime + decisionDelay}; a grant fact arriving before then still covers it.
 *   <li>UNAUTHORIZED_ROOT_USE (one per unauthorized session): uncovered root use at most
 *       {@code rootSessionGap} apart forms a session; the alert is decided when its first event is
 *       judged, with the session's events known then as evidence (root use still pending that chains
 *       into it included), id defined by the first event. Later events of the session (a late
 *       CloudTrail record too) only go to the timeline. Sessions are not merged once alerted. Revokes
 *       every grant active at the decision that has an assignment.
 *   <li>ROOT_LOGIN_WITHOUT_MFA: a successful root ConsoleLogin without MFA, authorized or not, filed
 *       under the covering request or the account, decided like the event itself.
 *   <li>ROOT_LOGIN_FAILED (once per event): a root ConsoleLogin answered Failure that no grant covers
 *       once its decision delay has passed (a covering grant arriving in time suppresses it). It opens
 *       no session. Correlation: the account; defined by the event.
 *   <li>ROOT_ANTIPATTERN (once per root session and eventName): a successful root call (root use, or a
 *       console root call; calls other AWS services invoke count for nothing) whose eventName
 *       {@code policy.isRootAntipattern} matches, authorized or not, decided like the event itself.
 *       Covered: correlation = the covering request, whose grant it revokes if still active; the
 *       session is the request's. Uncovered: correlation = the account, nothing to revoke (no request;
 *       UNAUTHORIZED_ROOT_USE revokes the account's grants); the session is the unauthorized session
 *       the event belongs to, else the event alone. Defined by the first such call of the session; a
 *       repeat of the same eventName in the session only goes to the timeline.
 *   <li>MISSING_AUDIT_RECORD (once per request): an authorized root session (root use covered by a
 *       grant) with no break-glass root declaration of the account between {@code grantedAt - skew} and
 *       the session's first root use + {@code decisionDelay}; a declaration naming the request
 *       ({@code metadata.requestId}) counts whatever its time. Decided when deadline time reaches the
 *       first root use + {@code decisionDelay}. Defined by the grant event.
 *   <li>SESSION_OVERRUN (once per authorized session): root use under a grant later than declaration
 *       time + {@code expected_session_duration_minutes} of the declaration covering the session: the
 *       one naming the request (the latest of those), else the latest declaration of the account in
 *       {@code [grantedAt - skew, first root use]}, else the earliest in {@code (first root use, first
 *       root use + decisionDelay]}. Decided when deadline time reaches the first overrunning root use +
 *       {@code decisionDelay} (a late declaration naming the request may still arrive), with the
 *       declarations known then; defined by that root use. Unauthorized sessions have no grant window
 *       and are left to UNAUTHORIZED_ROOT_USE.
 *   <li>DUPLICATE_GRANT (once per new grant): a grant fact while the same subject already holds a
 *       grant of another request on the account that is active at the new grant's time (granted, not
 *       expired, not ended, not revoked). Of two grants of the same time the one of the greater request
 *       id is the new one. Correlation: the new request; defined by its grant event; the held grant's
 *       event is evidence. Decided when the facts arrive (either order), with the ends known then.
 *   <li>ROTATION_OVERDUE (once per session): when deadline time reaches session end +
 *       {@code rotationDeadline} with no rotation evidence between the session's first root event and
 *       that deadline. Authorized session = the root use a grant covered, ending when the grant ends;
 *       unauthorized session ends at its last event. Evidence = a gateway {@code rotation} event for the
 *       account, or a root credential change covered by a grant. A credential change inside an
 *       unauthorized session is the intruder's doing (for example a new access key), not a rotation,
 *       and never counts. Revokes the request's grant if it is still active.
 *   <li>Request lifecycle: {@link RequestLifecycle} (rules in its Javadoc), fed by lifecycle facts,
 *       covered root use ({@code used}), rotation evidence ({@code rotated}) and deadline time passing
 *       the grant's {@code expiresAt}. A closed request leaves {@value #LIFECYCLE_STORE}; the account
 *       keeps its id and close time for {@code stateRetention}, and facts arriving after it left are
 *       ignored.
 *   <li>De-duplication: a CloudTrail record is identified by {@code eventID} (with its event time), a
 *       finding by id and {@code updatedAt}, an account-scoped gateway event by {@code sourceDigest};
 *       a re-delivered copy produces nothing. Keys are kept {@code stateRetention} of event time.
 * </ul>
 *
 * <p>Time ({@link DeadlineClock}): an account's deadlines are evaluated after every record that reads
 * its state (everything but background CloudTrail records, which no rule judges: they are only
 * de-duplicated and filed under {@code account:<id>}, without reading the account) and when its due
 * time comes: after each evaluation the account is filed in {@value #DUE_STORE} under the earliest
 * time at which a deadline, a lifecycle step or the retention can change it, and a STREAM_TIME
 * punctuator every {@link #DEADLINE_INTERVAL} and, live, a WALL_CLOCK_TIME punctuator every second
 * evaluate the accounts whose time has come, at {@code max(stream time, wall clock - allowedLateness)}.
 * A deadline is thus decided at most {@link #DEADLINE_INTERVAL} of stream time (live: about a second)
 * after it passed, and only accounts with something due are read. Each deadline is recorded as decided
 * in state, so it fires once. Keys older than the retention are purged every {@link #PURGE_INTERVAL}
 * of stream time. In replay deadline time is event time alone. The decision delay must exceed the
 * time a grant fact needs to travel from stage A (one repartition and one commit).
 */
public final class AccountCorrelator implements Processor<String, AccountInput, String, Emission> {
  /** Store of account state: account id to JSON state. */
  public static final String STORE = "account-state";
  /** Store of request lifecycles: request id to JSON {@link RequestLifecycle}, co-located with the request's account. */
  public static final String LIFECYCLE_STORE = "request-lifecycle";
  /** De-duplication store of CloudTrail records: {@code <eventTime 19 digits>|<eventID>} to event time. */
  public static final String CLOUDTRAIL_SEEN = "cloudtrail-seen";
  /** De-duplication store of findings: {@code <eventTime 19 digits>|<id>|<updatedAt>} to event time. */
  public static final String GUARDDUTY_SEEN = "guardduty-seen";
  /**
   * Store of the heads of the account chains: {@code account:<id>} to {@link TimelineChainer.ChainHead}.
   * Entries of account correlations are chained here, with {@link TimelineChainer}'s rule, not in stage C.
   */
  public static final String ACCOUNT_CHAIN_STORE = "account-timeline-chain";
  /**
   * Index of due accounts: {@code <due time 19 digits>|<account id>} to the due time, one key per
   * account with a deadline ahead (see {@code AccountState.dueAt}).
   */
  public static final String DUE_STORE = "account-due";
  /** Stream-time interval of the scan of due accounts. */
  public static final Duration DEADLINE_INTERVAL = Duration.ofSeconds(1);
  /** Stream-time interval of the de-duplication purge. */
  public static final Duration PURGE_INTERVAL = Duration.ofHours(1);

  private static final Logger LOG = LoggerFactory.getLogger(AccountCorrelator.class);

  private final Policy policy;
  private final DeadlineClock clock;
  private final SweeperSettings sweeper;
  private ProcessorContext<String, Emission> context;
  private KeyValueStore<String, AccountState> store;
  private KeyValueStore<String, RequestLifecycle> lifecycleStore;
  private KeyValueStore<String, Long> cloudTrailSeen;
  private KeyValueStore<String, Long> guardDutySeen;
  private KeyValueStore<String, TimelineChainer.ChainHead> accountChains;
  private KeyValueStore<String, Long> dueIndex;
  /** Lifecycles read during the current record or account evaluation, changed ones, and leaving ones. */
  private final Map<String, RequestLifecycle> loaded = new TreeMap<>();
  private final Set<String> dirty = new TreeSet<>();
  private final Set<String> leaving = new TreeSet<>();

  private AccountCorrelator(Policy policy, boolean wallClockDeadlines, SweeperSettings sweeper) {
    this.policy = policy;
    this.clock = new DeadlineClock(wallClockDeadlines, policy.allowedLateness());
    this.sweeper = sweeper;
  }

  /**
   * A supplier of correlators applying {@code policy}, declaring the four stores.
   *
   * @param policy detection policy (resolved per account and tenant)
   * @param wallClockDeadlines whether deadlines are evaluated on the wall clock too (live) or on stream
   *     time alone (replay), see {@link DeadlineClock}
   */
  public static ProcessorSupplier<String, AccountInput, String, Emission> supplier(Policy policy,
      boolean wallClockDeadlines) {
    return supplier(policy, wallClockDeadlines, SweeperSettings.DEFAULTS);
  }

  /**
   * A supplier of correlators applying {@code policy} and running the expiry sweeper as {@code sweeper}
   * says, declaring the stores.
   *
   * @param policy detection policy (resolved per account and tenant)
   * @param wallClockDeadlines whether deadlines are evaluated on the wall clock too (live) or on stream
   *     time alone (replay), see {@link DeadlineClock}
   * @param sweeper whether the expiry sweeper runs, and how far back it looks
   */
  public static ProcessorSupplier<String, AccountInput, String, Emission> supplier(Policy policy,
      boolean wallClockDeadlines, SweeperSettings sweeper) {
    return new ProcessorSupplier<>() {
      @Override
      public Processor<String, AccountInput, String, Emission> get() {
        return new AccountCorrelator(policy, wallClockDeadlines, sweeper);
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
        stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LIFECYCLE_STORE), Serdes.String(),
            new JsonSerde<>(RequestLifecycle.class)));
        // cached: one account's head changes with every background record, and the cache folds those
        // changes into one changelog record (and one RocksDB write) per account and commit
        stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ACCOUNT_CHAIN_STORE), Serdes.String(),
            TimelineChainer.headSerde()).withCachingEnabled());
        stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DUE_STORE), Serdes.String(),
            Serdes.Long()));
        return stores;
      }
    };
  }

  /** {@link #supplier(Policy, boolean)} evaluating deadlines on stream time alone. */
  public static ProcessorSupplier<String, AccountInput, String, Emission> supplier(Policy policy) {
    return supplier(policy, false);
  }

  @Override
  public void init(ProcessorContext<String, Emission> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.lifecycleStore = context.getStateStore(LIFECYCLE_STORE);
    this.cloudTrailSeen = context.getStateStore(CLOUDTRAIL_SEEN);
    this.guardDutySeen = context.getStateStore(GUARDDUTY_SEEN);
    this.accountChains = context.getStateStore(ACCOUNT_CHAIN_STORE);
    this.dueIndex = context.getStateStore(DUE_STORE);
    clock.schedule(context, DEADLINE_INTERVAL, t -> evaluateDue());
    context.schedule(PURGE_INTERVAL, PunctuationType.STREAM_TIME, this::purgeSeen);
  }

  @Override
  public void process(Record<String, AccountInput> record) {
    String account = record.key();
    if (record.value() instanceof AccountInput.CloudTrail c && isBackground(c.event())) {
      onBackgroundCloudTrail(account, c.event());
      return;
    }
    if (record.value() instanceof AccountInput.Revoke r && r.command().getAssignment() == null) {
      publishOrderedAlert(r.alert(), r.command());
      forwardRevoke(r.command());
      return;
    }
    if (record.value() instanceof AccountInput.Delivery d) {
      emitTimeline(d.event().draft(), d.event().correlationId(), null, record.timestamp());
      return;
    }
    AccountState s = store.get(account);
    if (s == null) {
      s = new AccountState(account);
    }
    boolean changed = switch (record.value()) {
      case AccountInput.CloudTrail c -> onCloudTrail(s, c.event());
      case AccountInput.GuardDuty g -> onGuardDuty(s, g.finding());
      case AccountInput.Gateway g -> onGateway(s, g.event());
      case AccountInput.Fact f -> onFact(s, f.fact());
      case AccountInput.Lifecycle l -> onLifecycle(s, l.fact());
      case AccountInput.Revoke r -> onRevoke(s, r.command(), r.alert());
      case AccountInput.Delivery d -> false; // filed above, before the state is read
    };
    changed |= evaluate(s, now(s));
    flushLifecycles();
    if (changed) {
      store.put(account, s);
    }
  }

  /** Deadline time for the account (its policy's allowed lateness, live). */
  private long now(AccountState s) {
    return clock.at(context.currentStreamTimeMs(), context.currentSystemTimeMs(),
        accountPolicy(s).allowedLateness().toMillis());
  }

  private Policy accountPolicy(AccountState s) {
    return policy.resolve(s.accountId, null);
  }

  private Policy policyOf(AccountState s, AccountState.GrantView v) {
    return policy.resolve(s.accountId, v == null ? null : v.tenant);
  }

  /**
   * Whether a CloudTrail record is judged by no rule (not root use, not a failed root sign-in, not a
   * console root call): it only goes to the account's timeline, without reading the account's state.
   */
  private static boolean isBackground(CloudTrailEvent e) {
    return !RootActivity.isRootUse(e) && !RootActivity.isFailedRootLogin(e) && !RootActivity.isConsoleRootCall(e);
  }

  /** A background record: de-duplicated, then filed under {@code account:<id>}. */
  private void onBackgroundCloudTrail(String account, CloudTrailEvent e) {
    long at = e.getEventTime().toEpochMilli();
    String seenKey = seenKey(at, e.getEventID());
    if (cloudTrailSeen.get(seenKey) != null) {
      return;
    }
    cloudTrailSeen.put(seenKey, at);
    TimelineDraft draft = TimelineDrafts.cloudTrail(e, account, RootActivity.isRoot(e), RootActivity.isCredentialChange(e));
    emitTimeline(draft, TimelineDraft.accountCorrelation(account), null, at);
  }

  private boolean onCloudTrail(AccountState s, CloudTrailEvent e) {
    long at = e.getEventTime().toEpochMilli();
    String seenKey = seenKey(at, e.getEventID());
    if (cloudTrailSeen.get(seenKey) != null) {
      return false;
    }
    cloudTrailSeen.put(seenKey, at);
    boolean use = RootActivity.isRootUse(e);
    boolean failedLogin = RootActivity.isFailedRootLogin(e);
    boolean console = RootActivity.isConsoleRootCall(e);
    boolean credentialChange = RootActivity.isCredentialChange(e);
    TimelineDraft draft = TimelineDrafts.cloudTrail(e, s.accountId, RootActivity.isRoot(e), credentialChange);
    AccountState.PendingRoot p = new AccountState.PendingRoot(e.getEventID(), at, e.getEventName(),
        e.getSourceIPAddress(), TimelineDrafts.identityOf(e), RootActivity.isLoginWithoutMfa(e), credentialChange,
        draft);
    p.failedLogin = failedLogin;
    p.consoleCall = console && !use;
    p.antipatternCandidate = use || console;
    admit(s, p);
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
    } else if ("root_declaration".equals(e.getType())) {
      s.declarations.add(new AccountState.Declaration(eventId, at, e.getRequestId(),
          e.getExpectedSessionDurationMinutes()));
    }
    return true;
  }

  private boolean onFact(AccountState s, GrantFact fact) {
    AccountState.GrantView v = s.grants.get(fact.requestId());
    if (v == null) {
      v = new AccountState.GrantView(fact);
      s.grants.put(fact.requestId(), v);
      RequestLifecycle m = s.lifecycle.contains(fact.requestId()) ? lifecycle(s, fact.requestId()) : null;
      if (m != null) {
        v.tenant = m.tenant;
      }
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
    checkDuplicates(s, v);
    return true;
  }

  private boolean onLifecycle(AccountState s, LifecycleFact f) {
    String requestId = f.requestId();
    if (s.closedRequests.containsKey(requestId)) {
      return false;
    }
    RequestLifecycle m = lifecycle(s, requestId);
    m.learn(f);
    AccountState.GrantView v = s.grants.get(requestId);
    if (v != null && v.tenant == null) {
      v.tenant = m.tenant;
    }
    String cause = switch (f.event()) {
      case "requested" -> "request";
      case "approved" -> f.approverRoles().isEmpty() ? "approval" : "approved by " + String.join(", ", f.approverRoles());
      case "granted" -> "grant";
      case "used" -> "usage allowed";
      default -> "expiry: " + f.event();
    };
    emitLifecycle(m, m.apply(f.event(), f.at(), f.eventId(), cause));
    dirty.add(requestId);
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
      if (!v.covers(t, policyOf(s, v).skew().toMillis())) {
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
    Policy pol = policyOf(s, g);
    emitTimeline(p.draft, requestId, requestId, p.eventTime);
    if (p.isUse()) {
      if (g.firstRootAt == null || p.eventTime < g.firstRootAt) {
        g.firstRootAt = p.eventTime;
        g.firstRootEventId = p.eventId;
      }
      if (g.lastRootAt == null || p.eventTime >= g.lastRootAt) {
        g.lastRootAt = p.eventTime;
        g.lastRootEventId = p.eventId;
      }
      if (g.rootEventIds.size() < AccountState.MAX_EVIDENCE) {
        g.rootEventIds.add(p.eventId);
        g.useTimes.put(p.eventId, p.eventTime);
      }
      if (!s.closedRequests.containsKey(requestId)) {
        RequestLifecycle m = lifecycle(s, requestId);
        emitLifecycle(m, m.onRootUse(p.eventTime, p.eventId));
        dirty.add(requestId);
      }
    }
    if (p.credentialChange) {
      s.rotations.add(p.eventTime);
      s.rotations.sort(Comparator.naturalOrder());
    }
    String subject = g.fact.subject() != null ? g.fact.subject() : p.subject;
    if (p.loginWithoutMfa) {
      raiseLoginWithoutMfa(s, p, requestId, subject, pol);
    }
    if (p.antipatternCandidate && pol.isRootAntipattern(p.action) && g.antipatterns.add(p.action)) {
      raiseAntipattern(s, p, requestId, subject, pol);
    }
  }

  /**
   * Decides every pending event whose decision delay has passed, raises the alerts of new sessions,
   * decides the audit, rotation and lifecycle deadlines, and drops state older than the retention.
   *
   * @return whether {@code s} changed
   */
  private boolean evaluate(AccountState s, long now) {
    boolean changed = false;
    Policy acct = accountPolicy(s);
    long decisionDelay = acct.decisionDelay().toMillis();
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
      List<AccountState.PendingRoot> failedLogins = new ArrayList<>();
      List<AccountState.PendingRoot> antipatterns = new ArrayList<>();
      for (AccountState.PendingRoot p : due) {
        AccountState.GrantView g = covering(s, p.eventTime);
        if (g != null) {
          decideCovered(s, p, g);
          continue;
        }
        emitTimeline(p.draft, TimelineDraft.accountCorrelation(s.accountId), null, p.eventTime);
        if (p.isUse()) {
          AccountState.RootSession session = sessionOf(s, p.eventTime, acct);
          if (session == null) {
            session = new AccountState.RootSession(p);
            s.sessions.add(session);
            opened.add(session);
          } else {
            session.add(p);
          }
        }
        if (p.loginWithoutMfa) {
          withoutMfa.add(p);
        }
        if (p.failedLogin) {
          failedLogins.add(p);
        }
        if (p.antipatternCandidate && acct.isRootAntipattern(p.action)) {
          antipatterns.add(p);
        }
      }
      for (AccountState.RootSession session : opened) {
        raiseUnauthorized(s, session, now, acct);
      }
      for (AccountState.PendingRoot p : withoutMfa) {
        raiseLoginWithoutMfa(s, p, null, p.subject, acct);
      }
      for (AccountState.PendingRoot p : failedLogins) {
        raiseLoginFailed(s, p, now, acct);
      }
      for (AccountState.PendingRoot p : antipatterns) {
        AccountState.RootSession session = sessionOf(s, p.eventTime, acct);
        if (session == null || session.antipatterns.add(p.action)) {
          raiseAntipattern(s, p, null, p.subject, acct);
        }
      }
    }
    changed |= evaluateRotation(s, now);
    changed |= evaluateAudit(s, now);
    changed |= evaluateOverrun(s, now);
    changed |= evaluateLifecycles(s, now);
    changed |= evaluateSweep(s, now);
    changed |= purge(s, now);
    changed |= reindex(s);
    return changed;
  }

  /**
   * Files the account in {@value #DUE_STORE} under its next due time ({@link #nextDue}); call after
   * {@link #evaluate}, while its lifecycles are loaded.
   *
   * @return whether the due time changed
   */
  private boolean reindex(AccountState s) {
    Long due = nextDue(s);
    if (java.util.Objects.equals(due, s.dueAt)) {
      return false;
    }
    if (s.dueAt != null) {
      dueIndex.delete(seenKey(s.dueAt, s.accountId));
    }
    if (due != null) {
      dueIndex.put(seenKey(due, s.accountId), due);
    }
    s.dueAt = due;
    return true;
  }

  /**
   * The earliest deadline time at which {@link #evaluate} can change the account without new input:
   * a pending event's decision, a rotation, audit or overrun deadline, a lifecycle's next step
   * ({@link RequestLifecycle#nextDue}), or state reaching its retention. Null when there is none.
   * Never later than the true time (it may be earlier: the evaluation then finds nothing and the
   * account is filed under its next time).
   */
  private Long nextDue(AccountState s) {
    Policy acct = accountPolicy(s);
    Long due = null;
    for (AccountState.PendingRoot p : s.pending) {
      due = RequestLifecycle.earliest(due, p.eventTime + acct.decisionDelay().toMillis());
    }
    long retention = acct.stateRetention().toMillis();
    for (AccountState.RootSession session : s.sessions) {
      if (!session.rotationDecided && session.alertId != null) {
        due = RequestLifecycle.earliest(due, session.lastAt + acct.rotationDeadline().toMillis());
      } else if (session.rotationDecided) {
        due = RequestLifecycle.earliest(due, session.lastAt + retention);
      }
    }
    for (AccountState.GrantView v : s.grants.values()) {
      Policy pol = policyOf(s, v);
      Long end = v.end();
      if (v.firstRootAt != null) {
        if (!v.rotationDecided && end != null) {
          due = RequestLifecycle.earliest(due, end + pol.rotationDeadline().toMillis());
        }
        if (!v.auditDecided) {
          due = RequestLifecycle.earliest(due, v.firstRootAt + pol.decisionDelay().toMillis());
        }
        if (!v.overrunAlerted) {
          Overrun o = overrun(s, v, pol);
          if (o != null) {
            due = RequestLifecycle.earliest(due, o.at() + pol.decisionDelay().toMillis());
          }
        }
      }
      if (v.firstRootAt == null || v.rotationDecided) {
        due = RequestLifecycle.earliest(due, (end != null ? end : v.fact.grantedAt()) + retention);
      }
      if (sweepable(v)) {
        due = RequestLifecycle.earliest(due, v.fact.end());
      }
    }
    for (long t : s.rotations) {
      due = RequestLifecycle.earliest(due, t + retention);
    }
    for (long t : s.gatewayDigests.values()) {
      due = RequestLifecycle.earliest(due, t + retention);
    }
    for (AccountState.Declaration d : s.declarations) {
      due = RequestLifecycle.earliest(due, d.at() + retention);
    }
    for (long t : s.closedRequests.values()) {
      due = RequestLifecycle.earliest(due, t + retention);
    }
    for (String requestId : s.lifecycle) {
      RequestLifecycle m = lifecycle(s, requestId);
      AccountState.GrantView g = s.grants.get(requestId);
      Policy pol = policy.resolve(s.accountId, m.tenant);
      Long d = m.nextDue(g == null ? null : g.fact.expiresAt(),
          new RequestLifecycle.Timing(pol.skew().toMillis(), pol.decisionDelay().toMillis(),
              pol.rotationDeadline().toMillis(), pol.stateRetention().toMillis()));
      if (d != null) {
        due = RequestLifecycle.earliest(due, d);
      }
    }
    return due;
  }

  /** The unauthorized session an event at {@code t} belongs to (within the gap of it), nearest first; null if none. */
  private static AccountState.RootSession sessionOf(AccountState s, long t, Policy acct) {
    long gap = acct.rootSessionGap().toMillis();
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

  private void raiseUnauthorized(AccountState s, AccountState.RootSession session, long now, Policy acct) {
    long gap = acct.rootSessionGap().toMillis();
    String correlationId = TimelineDraft.accountCorrelation(s.accountId);
    List<String> evidence = new ArrayList<>(session.eventIds);
    long last = session.lastAt;
    List<AccountState.PendingRoot> waiting = new ArrayList<>(s.pending);
    waiting.sort(PENDING_ORDER);
    for (AccountState.PendingRoot p : waiting) {
      if (p.isUse() && p.eventTime >= session.firstAt - gap && p.eventTime <= last + gap
          && evidence.size() < AccountState.MAX_EVIDENCE) {
        evidence.add(p.eventId);
        last = Math.max(last, p.eventTime);
      }
    }
    AlertBuilder b = AlertBuilder.of(acct, AlertType.UNAUTHORIZED_ROOT_USE)
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
    Alert alert = emitAlert(overlapping(s, targets, b, now), now);
    session.alertId = alert.getAlertId();
    for (AccountState.GrantView v : targets) {
      revoke(s, v, alert, now, targets);
    }
  }

  private void raiseLoginWithoutMfa(AccountState s, AccountState.PendingRoot p, String requestId, String subject,
      Policy pol) {
    long now = now(s);
    String correlationId = requestId != null ? requestId : TimelineDraft.accountCorrelation(s.accountId);
    AlertBuilder b = AlertBuilder.of(pol, AlertType.ROOT_LOGIN_WITHOUT_MFA)
        .correlationId(correlationId).requestId(requestId).accountId(s.accountId).subject(subject)
        .defining(p.eventId).detectedAt(now).eventTime(p.eventTime)
        .summary(String.format("The root user signed in to the console of account %s at %s%s without MFA%s.",
            s.accountId, Instant.ofEpochMilli(p.eventTime), p.sourceIp == null ? "" : " from " + p.sourceIp,
            requestId == null ? " and without a covering break-glass grant" : " under break-glass request " + requestId));
    revokeFor(s, b, requestId, now);
  }

  private void raiseLoginFailed(AccountState s, AccountState.PendingRoot p, long now, Policy acct) {
    AlertBuilder b = AlertBuilder.of(acct, AlertType.ROOT_LOGIN_FAILED)
        .correlationId(TimelineDraft.accountCorrelation(s.accountId)).accountId(s.accountId).subject(p.subject)
        .defining(p.eventId).detectedAt(now).eventTime(p.eventTime)
        .summary(String.format("A root console sign-in to account %s failed at %s%s with no covering break-glass "
            + "grant: someone is trying the root password.", s.accountId, Instant.ofEpochMilli(p.eventTime),
            p.sourceIp == null ? "" : " from " + p.sourceIp));
    revokeFor(s, b, null, now);
  }

  private void raiseAntipattern(AccountState s, AccountState.PendingRoot p, String requestId, String subject,
      Policy pol) {
    long now = now(s);
    String correlationId = requestId != null ? requestId : TimelineDraft.accountCorrelation(s.accountId);
    AlertBuilder b = AlertBuilder.of(pol, AlertType.ROOT_ANTIPATTERN)
        .correlationId(correlationId).requestId(requestId).accountId(s.accountId).subject(subject)
        .defining(p.eventId).detectedAt(now).eventTime(p.eventTime)
        .summary(String.format("The root user of account %s called %s at %s%s%s: root must not create users, "
            + "access keys, login profiles, roles or groups, or attach or put policies.", s.accountId, p.action,
            Instant.ofEpochMilli(p.eventTime), p.sourceIp == null ? "" : " from " + p.sourceIp,
            requestId == null ? " with no covering break-glass grant" : " under break-glass request " + requestId));
    if (requestId != null) {
      revokeFor(s, b, requestId, now);
    } else {
      emitAlert(b, now);
    }
  }

  private boolean evaluateRotation(AccountState s, long now) {
    boolean changed = false;
    Policy acct = accountPolicy(s);
    for (AccountState.RootSession session : s.sessions) {
      long deadline = session.lastAt + acct.rotationDeadline().toMillis();
      if (session.rotationDecided || session.alertId == null || now < deadline) {
        continue;
      }
      session.rotationDecided = true;
      changed = true;
      if (!rotatedBetween(s, session.firstAt, deadline)) {
        AlertBuilder b = AlertBuilder.of(acct, AlertType.ROTATION_OVERDUE)
            .correlationId(TimelineDraft.accountCorrelation(s.accountId)).accountId(s.accountId)
            .subject(session.subject).defining(session.firstEventId).evidence(session.eventIds)
            .detectedAt(now).eventTime(deadline)
            .summary(String.format("The root credentials of account %s were not rotated by %s, %s after the "
                + "unauthorized root session of %s to %s ended.", s.accountId, Instant.ofEpochMilli(deadline),
                acct.rotationDeadline(), Instant.ofEpochMilli(session.firstAt), Instant.ofEpochMilli(session.lastAt)));
        revokeFor(s, b, null, now);
      }
    }
    for (AccountState.GrantView v : s.grants.values()) {
      Policy pol = policyOf(s, v);
      Long end = v.end();
      if (v.firstRootAt == null || v.rotationDecided || end == null || now < end + pol.rotationDeadline().toMillis()) {
        continue;
      }
      long deadline = end + pol.rotationDeadline().toMillis();
      v.rotationDecided = true;
      changed = true;
      if (!rotatedBetween(s, v.firstRootAt, deadline)) {
        String requestId = v.fact.requestId();
        AlertBuilder b = AlertBuilder.of(pol, AlertType.ROTATION_OVERDUE)
            .correlationId(requestId).requestId(requestId).accountId(s.accountId).subject(v.fact.subject())
            .defining(v.firstRootEventId).evidence(v.rootEventIds).detectedAt(now).eventTime(deadline)
            .summary(String.format("The root credentials of account %s were not rotated by %s, %s after the "
                + "grant of break-glass request %s ended at %s.", s.accountId, Instant.ofEpochMilli(deadline),
                pol.rotationDeadline(), requestId, Instant.ofEpochMilli(end)));
        revokeFor(s, b, requestId, now);
      }
    }
    return changed;
  }

  /** MISSING_AUDIT_RECORD of every authorized session whose first root use + decision delay has passed. */
  private boolean evaluateAudit(AccountState s, long now) {
    boolean changed = false;
    for (AccountState.GrantView v : s.grants.values()) {
      Policy pol = policyOf(s, v);
      if (v.firstRootAt == null || v.auditDecided || now < v.firstRootAt + pol.decisionDelay().toMillis()) {
        continue;
      }
      v.auditDecided = true;
      changed = true;
      String requestId = v.fact.requestId();
      long from = v.fact.grantedAt() - pol.skew().toMillis();
      long to = v.firstRootAt + pol.decisionDelay().toMillis();
      boolean declared = s.declarations.stream()
          .anyMatch(d -> requestId.equals(d.requestId()) || d.at() >= from && d.at() <= to);
      if (declared) {
        continue;
      }
      AlertBuilder b = AlertBuilder.of(pol, AlertType.MISSING_AUDIT_RECORD)
          .correlationId(requestId).requestId(requestId).accountId(s.accountId).subject(v.fact.subject())
          .defining(grantEventId(v)).evidence(List.of(v.firstRootEventId)).detectedAt(now).eventTime(v.firstRootAt)
          .summary(String.format("The root user of account %s was used at %s under break-glass request %s, but no "
              + "break-glass root declaration was recorded between %s and %s.", s.accountId,
              Instant.ofEpochMilli(v.firstRootAt), requestId, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)));
      revokeFor(s, b, requestId, now);
    }
    return changed;
  }

  /** SESSION_OVERRUN of every authorized session with root use past its declared end (see class Javadoc). */
  private boolean evaluateOverrun(AccountState s, long now) {
    boolean changed = false;
    for (AccountState.GrantView v : s.grants.values()) {
      if (v.firstRootAt == null || v.overrunAlerted) {
        continue;
      }
      Policy pol = policyOf(s, v);
      Overrun o = overrun(s, v, pol);
      if (o == null || now < o.at() + pol.decisionDelay().toMillis()) {
        continue;
      }
      AccountState.Declaration d = o.declaration();
      long declaredEnd = o.declaredEnd();
      String overrunId = o.eventId();
      long overrunAt = o.at();
      v.overrunAlerted = true;
      changed = true;
      String requestId = v.fact.requestId();
      AlertBuilder b = AlertBuilder.of(pol, AlertType.SESSION_OVERRUN)
          .correlationId(requestId).requestId(requestId).accountId(s.accountId).subject(v.fact.subject())
          .defining(overrunId).evidence(List.of(d.eventId())).detectedAt(now).eventTime(overrunAt)
          .summary(String.format("The root user of account %s was still used at %s under break-glass request %s, "
              + "after the %d minutes declared at %s ended at %s.", s.accountId, Instant.ofEpochMilli(overrunAt),
              requestId, d.expectedMinutes(), Instant.ofEpochMilli(d.at()), Instant.ofEpochMilli(declaredEnd)));
      revokeFor(s, b, requestId, now);
    }
    return changed;
  }

  /** The first root use of a session past its declared end. */
  private record Overrun(AccountState.Declaration declaration, long declaredEnd, String eventId, long at) {}

  /** The first root use of the authorized session of {@code v} past its declared end, or null. */
  private static Overrun overrun(AccountState s, AccountState.GrantView v, Policy pol) {
    AccountState.Declaration d = coveringDeclaration(s, v, pol);
    if (d == null || d.expectedMinutes() == null) {
      return null;
    }
    long declaredEnd = d.at() + Duration.ofMinutes(d.expectedMinutes()).toMillis();
    String overrunId = null;
    long overrunAt = Long.MAX_VALUE;
    for (Map.Entry<String, Long> use : v.useTimes.entrySet()) {
      if (use.getValue() > declaredEnd && use.getValue() < overrunAt) {
        overrunId = use.getKey();
        overrunAt = use.getValue();
      }
    }
    if (overrunId == null && v.lastRootAt > declaredEnd) {
      overrunId = v.lastRootEventId;
      overrunAt = v.lastRootAt;
    }
    return overrunId == null ? null : new Overrun(d, declaredEnd, overrunId, overrunAt);
  }

  /** The declaration covering the authorized session of {@code v}, or null (see class Javadoc). */
  private static AccountState.Declaration coveringDeclaration(AccountState s, AccountState.GrantView v, Policy pol) {
    String requestId = v.fact.requestId();
    long start = v.firstRootAt;
    long from = v.fact.grantedAt() - pol.skew().toMillis();
    long after = start + pol.decisionDelay().toMillis();
    AccountState.Declaration named = null;
    AccountState.Declaration before = null;
    AccountState.Declaration following = null;
    for (AccountState.Declaration d : s.declarations) {
      if (requestId.equals(d.requestId())) {
        if (named == null || d.at() > named.at()) {
          named = d;
        }
      } else if (d.at() >= from && d.at() <= start) {
        if (before == null || d.at() > before.at()) {
          before = d;
        }
      } else if (d.at() > start && d.at() <= after && (following == null || d.at() < following.at())) {
        following = d;
      }
    }
    return named != null ? named : before != null ? before : following;
  }

  /** DUPLICATE_GRANT for {@code v} or a grant it overlaps (class Javadoc). */
  private void checkDuplicates(AccountState s, AccountState.GrantView v) {
    String subject = v.fact.subject();
    if (subject == null) {
      return;
    }
    for (AccountState.GrantView other : List.copyOf(s.grants.values())) {
      if (other == v || !subject.equals(other.fact.subject())) {
        continue;
      }
      if (earlier(other, v) && other.activeAt(v.fact.grantedAt())) {
        raiseDuplicate(s, v, other);
      } else if (earlier(v, other) && v.activeAt(other.fact.grantedAt())) {
        raiseDuplicate(s, other, v);
      }
    }
  }

  private static boolean earlier(AccountState.GrantView a, AccountState.GrantView b) {
    return a.fact.grantedAt() < b.fact.grantedAt()
        || a.fact.grantedAt() == b.fact.grantedAt() && a.fact.requestId().compareTo(b.fact.requestId()) < 0;
  }

  private void raiseDuplicate(AccountState s, AccountState.GrantView dup, AccountState.GrantView held) {
    if (dup.duplicateAlerted) {
      return;
    }
    dup.duplicateAlerted = true;
    long now = now(s);
    String requestId = dup.fact.requestId();
    Long heldEnd = held.end();
    AlertBuilder b = AlertBuilder.of(policyOf(s, dup), AlertType.DUPLICATE_GRANT)
        .correlationId(requestId).requestId(requestId).accountId(s.accountId).subject(dup.fact.subject())
        .defining(grantEventId(dup)).evidence(List.of(grantEventId(held))).detectedAt(now)
        .eventTime(dup.fact.grantedAt())
        .summary(String.format("%s was granted break-glass request %s on account %s at %s while already holding the "
            + "grant of request %s (granted %s, %s).", dup.fact.subject(), requestId, s.accountId,
            Instant.ofEpochMilli(dup.fact.grantedAt()), held.fact.requestId(), Instant.ofEpochMilli(held.fact.grantedAt()),
            heldEnd == null ? "without an end" : "until " + Instant.ofEpochMilli(heldEnd)));
    revokeFor(s, b, requestId, now);
  }

  private static String grantEventId(AccountState.GrantView v) {
    return v.fact.grantEventId() != null ? v.fact.grantEventId() : v.fact.requestId() + "/grant";
  }

  /** Advances every lifecycle of the account to {@code now}; marks the ones that leave the store. */
  private boolean evaluateLifecycles(AccountState s, long now) {
    boolean changed = false;
    for (String requestId : List.copyOf(s.lifecycle)) {
      RequestLifecycle m = lifecycle(s, requestId);
      AccountState.GrantView g = s.grants.get(requestId);
      Policy pol = policy.resolve(s.accountId, m.tenant);
      List<RequestLifecycle.Transition> steps = m.advance(now, g == null ? null : g.fact.expiresAt(),
          g == null ? null : g.fact.grantEventId(), (from, to) -> firstRotation(s, from, to),
          new RequestLifecycle.Timing(pol.skew().toMillis(), pol.decisionDelay().toMillis(),
              pol.rotationDeadline().toMillis(), pol.stateRetention().toMillis()));
      if (!steps.isEmpty()) {
        emitLifecycle(m, steps);
        dirty.add(requestId);
      }
      if (m.leaves(now, pol.decisionDelay().toMillis(), pol.stateRetention().toMillis())) {
        s.lifecycle.remove(requestId);
        if (m.closedAt != null) {
          s.closedRequests.put(requestId, m.closedAt);
        }
        leaving.add(requestId);
        changed = true;
      }
    }
    return changed;
  }

  /** The lifecycle of {@code requestId} (from the store, or new and filed in the account's index). */
  private RequestLifecycle lifecycle(AccountState s, String requestId) {
    RequestLifecycle m = loaded.get(requestId);
    if (m == null && s.lifecycle.contains(requestId)) {
      m = lifecycleStore.get(requestId);
    }
    if (m == null) {
      m = new RequestLifecycle(requestId, s.accountId);
      AccountState.GrantView g = s.grants.get(requestId);
      if (g != null) {
        m.kind = g.fact.kind();
        m.subject = g.fact.subject();
        m.tenant = g.tenant;
      }
      s.lifecycle.add(requestId);
      dirty.add(requestId);
    }
    loaded.put(requestId, m);
    return m;
  }

  private void emitLifecycle(RequestLifecycle m, List<RequestLifecycle.Transition> steps) {
    for (RequestLifecycle.Transition t : steps) {
      emitTimeline(m.draft(t), m.requestId, m.requestId, t.at());
    }
  }

  /** Writes changed lifecycles and deletes leaving ones. */
  private void flushLifecycles() {
    for (String requestId : dirty) {
      if (!leaving.contains(requestId)) {
        lifecycleStore.put(requestId, loaded.get(requestId));
      }
    }
    for (String requestId : leaving) {
      lifecycleStore.delete(requestId);
    }
    loaded.clear();
    dirty.clear();
    leaving.clear();
  }

  private static boolean rotatedBetween(AccountState s, long from, long to) {
    return firstRotation(s, from, to) != null;
  }

  private static Long firstRotation(AccountState s, long from, long to) {
    for (long t : s.rotations) {
      if (t >= from && t <= to) {
        return t;
      }
    }
    return null;
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
    Alert alert = emitAlert(overlapping(s, targets, b, now), now);
    for (AccountState.GrantView v : targets) {
      revoke(s, v, alert, now, targets);
    }
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
  private static List<String> holders(AccountState s, Assignment assignment, String requestId, long t) {
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
   * {@code alsoRevokedRequestIds}, files a {@code revoke_overlap} timeline entry for each of them, marks
   * them as ending here, and forwards the command to {@code revoke-commands}.
   */
  private boolean onRevoke(AccountState s, RevokeCommand cmd, Alert alert) {
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
  private void publishOrderedAlert(Alert alert, RevokeCommand cmd) {
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
  private static String overlapSentence(java.util.Collection<String> also) {
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

  private void forwardRevoke(RevokeCommand cmd) {
    context.forward(new Record<>(cmd.getCommandId(), new Emission.Revoke(cmd), cmd.getIssuedAt().toEpochMilli()));
  }

  /**
   * Whether the expiry sweeper still owes the grant a judgement: the sweeper is enabled, and the grant has
   * an assignment, an end (expiry or early end), was not revoked by Glasswatch, and was not swept yet.
   */
  private boolean sweepable(AccountState.GrantView v) {
    return sweeper.enabled() && !v.swept && v.fact.assignment() != null && v.fact.end() != null && v.revokedHereAt == null
        && !"revoked".equals(v.fact.endReason());
  }

  /**
   * Expiry sweeper: once deadline time reaches the end of a grant with an assignment (its {@code expiresAt},
   * or an expiry event), the assignment must be gone. If no other active grant of the same principal
   * relies on it, a revoke command with trigger {@code expiry} goes out (id
   * {@link RevokeCommands#expiryCommandId}; the executor answers ALREADY_ABSENT if the gateway removed it,
   * and a CONFIRMED result is a late revoke); otherwise an {@code expiry_sweep_kept} timeline entry names
   * the grants that still need it, whose own ends are swept later. Grants are judged in order of their
   * end; of several ended grants sharing one assignment (a late evaluation, a replay) only the last to
   * end issues the command. Each grant is judged once. A grant that ended more than
   * {@code revoke.sweeper.lookback} before the sweeper reaches it (a first start on a backlog, a long
   * outage) is not checked: an {@code expiry_sweep_skipped} entry says so. With
   * {@code revoke.sweeper.enabled=false} the sweeper does nothing.
   *
   * @return whether {@code s} changed
   */
  private boolean evaluateSweep(AccountState s, long now) {
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
        continue;
      }
      long end = v.fact.end();
      if (end > now) {
        continue;
      }
      v.swept = true;
      changed = true;
      String requestId = v.fact.requestId();
      if (now - end > sweeper.lookback().toMillis()) {
        emitTimeline(TimelineDrafts.sweepSkipped(requestId, v.fact.assignment().toAvro(), end, sweeper.lookback(), now),
            requestId, requestId, now);
        continue;
      }
      TreeSet<String> needed = new TreeSet<>(holders(s, v.fact.assignment(), requestId, now));
      for (AccountState.GrantView later : byEnd.subList(i + 1, byEnd.size())) {
        if (sweepable(later) && later.fact.end() <= now && v.fact.assignment().equals(later.fact.assignment())) {
          needed.add(later.fact.requestId());
        }
      }
      if (!needed.isEmpty()) {
        emitTimeline(TimelineDrafts.sweepKept(requestId, v.fact.assignment().toAvro(), List.copyOf(needed), now),
            requestId,
            requestId, now);
        continue;
      }
      String reason = v.fact.endedAt() != null && end == v.fact.endedAt() && v.fact.endReason() != null
          ? v.fact.endReason() : "expiresAt";
      RevokeCommand cmd = RevokeCommands.forExpiry(requestId, v.fact.assignment().toAvro(),
          v.fact.tokenFingerprint(), end, reason, now, context.currentSystemTimeMs());
      forwardRevoke(cmd);
      emitTimeline(TimelineDrafts.revokeRequested(cmd), requestId, requestId, now);
    }
    return changed;
  }

  private Alert emitAlert(AlertBuilder b, long now) {
    Alert alert = b.build();
    context.forward(new Record<>(alert.getCorrelationId(), new Emission.Raised(alert), now));
    emitTimeline(TimelineDrafts.alert(alert), alert.getCorrelationId(), alert.getRequestId(), now);
    return alert;
  }

  /**
   * Issues the revoke of one target grant; the command names the overlapping active grants that are not
   * targets of the same alert (those get commands of their own) in {@code alsoRevokedRequestIds}.
   */
  private void revoke(AccountState s, AccountState.GrantView v, Alert alert, long now,
      List<AccountState.GrantView> targets) {
    String requestId = v.fact.requestId();
    RevokeCommand cmd = RevokeCommands.forAlert(alert, requestId, Assignment.toAvro(v.fact.assignment()),
        v.fact.tokenFingerprint(), now, context.currentSystemTimeMs());
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

  private boolean purge(AccountState s, long now) {
    long cutoff = now - accountPolicy(s).stateRetention().toMillis();
    boolean changed = s.sessions.removeIf(x -> x.rotationDecided && x.lastAt < cutoff);
    changed |= s.grants.values().removeIf(v -> {
      Long end = v.end();
      boolean decided = v.firstRootAt == null || v.rotationDecided;
      return decided && (end != null ? end < cutoff : v.fact.grantedAt() < cutoff);
    });
    changed |= s.rotations.removeIf(t -> t < cutoff);
    changed |= s.gatewayDigests.values().removeIf(t -> t < cutoff);
    changed |= s.declarations.removeIf(d -> d.at() < cutoff);
    changed |= s.closedRequests.values().removeIf(t -> t < cutoff);
    return changed;
  }

  /**
   * Evaluates every account whose due time has come ({@value #DUE_STORE} scanned up to the latest
   * deadline time any account can have now), each at its own deadline time; deletes the state of
   * accounts left idle.
   */
  private void evaluateDue() {
    long horizon = clock.at(context.currentStreamTimeMs(), context.currentSystemTimeMs(), 0);
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = dueIndex.range(null, seenKey(horizon + 1, ""))) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    for (String key : keys) {
      String account = key.substring(key.indexOf('|') + 1);
      AccountState s = store.get(account);
      if (s == null || s.dueAt == null || !key.equals(seenKey(s.dueAt, account))) {
        dueIndex.delete(key);
        continue;
      }
      long now = now(s);
      if (s.dueAt == null || s.dueAt > now) {
        continue;
      }
      evaluate(s, now);
      flushLifecycles();
      if (s.isIdle()) {
        if (s.dueAt != null) {
          dueIndex.delete(seenKey(s.dueAt, account));
        }
        store.delete(account);
      } else {
        store.put(account, s);
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

  /**
   * Emits a timeline entry: chained here when it belongs to the account's own chain (every
   * {@code account:<id>} correlation is emitted by this stage alone, keyed by that account), else
   * unchained for stage C.
   */
  private void emitTimeline(TimelineDraft draft, String correlationId, String requestId, long timestamp) {
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

  /** De-duplication key: event time zero-padded to 19 digits, so a range scan finds every key older than a time. */
  static String seenKey(long eventTime, String id) {
    String digits = Long.toString(Math.max(0, eventTime));
    StringBuilder b = new StringBuilder(20 + id.length());
    b.repeat('0', 19 - digits.length()).append(digits).append('|').append(id);
    return b.toString();
  }

  private static final Comparator<AccountState.PendingRoot> PENDING_ORDER =
      Comparator.comparingLong((AccountState.PendingRoot p) -> p.eventTime).thenComparing(p -> p.eventId);
}
