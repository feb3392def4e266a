package io.glasswatch.streams.correlation;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.streams.attribution.IdentityCenterNames;
import io.glasswatch.streams.detection.RootActivity;
import io.glasswatch.streams.enforcement.SweeperSettings;
import io.glasswatch.streams.input.EventTimeExtractor;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.state.JsonSerde;
import io.glasswatch.streams.time.DeadlineClock;
import io.glasswatch.streams.timeline.TimelineChainer;
import io.glasswatch.streams.timeline.TimelineDraft;
import io.glasswatch.streams.timeline.TimelineDrafts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

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
 * <p>Rules: each alert rule is one {@link AccountRule} class, found by {@link AccountRules} from the
 * catalogue, whose Javadoc states it (UNAUTHORIZED_ROOT_USE, ROOT_LOGIN_WITHOUT_MFA, ROOT_LOGIN_FAILED,
 * ROOT_ANTIPATTERN, ROTATION_OVERDUE, MISSING_AUDIT_RECORD, SESSION_OVERRUN, DUPLICATE_GRANT). This class
 * keeps the orchestration, which the rules rely on:
 *
 * <ul>
 *   <li>Covering grant: an approved grant on the account whose window {@code [grantedAt - skew, end +
 *       skew]} contains the event time (end = the earlier of {@code expiresAt}, an expiry event, and a
 *       revocation); a {@code root} request is preferred, then the earliest grant. A covered event is
 *       filed under the request at once ({@link AccountRule#onCovered}). An uncovered one waits (PENDING)
 *       until {@link RootDecision} finds it decidable: live, as soon as the policy's {@code gatewaySources}
 *       reported progress past its time ({@link GatewayProgress}, fed by the progress marks that reach this
 *       stage on {@code grant-facts}), at once with none, at the latest when the wall clock passes
 *       {@code eventTime + decisionDelay}: a provisional decision, which a covering grant arriving before
 *       deadline time reaches {@code eventTime + decisionDelay} resolves, and whose revokes wait until then
 *       ({@link ProvisionalDecisions}); in replay, when deadline time reaches {@code eventTime +
 *       decisionDelay}: final. A grant fact arriving before the decision still covers it. The events decided
 *       together go to {@link AccountRule#onUncovered}, filed under {@code account:<id>}.
 *   <li>Unauthorized session: uncovered root use at most {@code rootSessionGap} apart; an event joins the
 *       nearest session within the gap, else opens one.
 *   <li>Rotation evidence ({@link AccountRule#onRotation}): a gateway {@code rotation} event, or a root
 *       credential change a grant covered; a credential change no grant covers is never recorded as one.
 *   <li>Grant facts ({@link AccountRule#onGrant}) and deadlines ({@link AccountRule#evaluate} and
 *       {@link AccountRule#nextDue}) after every record that reads the account.
 *   <li>Request lifecycle: {@link RequestLifecycle} (rules in its Javadoc; {@link AccountLifecycles}),
 *       fed by lifecycle facts, covered root use ({@code used}), rotation evidence ({@code rotated}) and
 *       deadline time passing the grant's {@code expiresAt}.
 *   <li>AWS sessions of grants (SPEC 1.6): {@link GrantSessions} (store {@value #SESSION_STORE}) claims a
 *       CloudTrail record of a grant's session or an emergency-role {@code AssumeRole} before it is judged as
 *       background, files it under the request and calls {@link AccountRule#onSessionCall} and
 *       {@link AccountRule#onEmergencyAssume}; grant facts tell it which grants to watch.
 *   <li>Expiry sweeper: {@link ExpirySweep}. Outputs and overlapping grants: {@link AccountEffects}.
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
 *
 * <p>End of input (replay, {@link DeadlineClock#atEnd()}): the end-of-input tick evaluates every account
 * with something ahead once, at the last stream time before it, with no wait for late input: pending
 * root events are decided and filed, later deadlines stay open ({@link #openDeadlines} lists them).
 *
 * <p>Root sessions and rotation: uncovered root use joins the session holding a record of the same
 * console session ({@link AccountState#sessionFor}); a root credential change no grant covers, made
 * within {@code rotationDeadline} after an authorized session ended, is that session's rotation
 * ({@code rotationOf}), filed under its request.
 *
 * <p>Length: about 830 lines, of which about 200 are Javadoc and comments (this class comment alone about
 * 120), leaving about 620 of orchestration the rules rely on (state, de-duplication, coverage, sessions,
 * deadlines, end of input) and the four {@code supplier} overloads. It is longer than 600 lines because
 * these steps form one unit per record: each of them reads and changes the same {@code AccountState},
 * loaded once from {@value #STORE} and written back once when the record changed it, with the same
 * processor context, stores and {@code AccountContext}; cutting it further would pass that state and
 * context through every piece and spread one record's handling over several classes. What stands on its
 * own is already a class of its own: every rule ({@link AccountRule}), {@link RootDecision}, {@link
 * ProvisionalDecisions}, {@link GrantSessions}, {@code InputDedup}, {@link ExpirySweep}, {@link
 * AccountEffects}, {@link AccountLifecycles} and {@link DeadlineClock}.
 */
public final class AccountCorrelator implements Processor<String, AccountInput, String, Emission> {
  /** Store of account state: account id to JSON state. */
  public static final String STORE = "account-state";
  /** Store of request lifecycles: request id to JSON {@link RequestLifecycle}, co-located with the request's account. */
  public static final String LIFECYCLE_STORE = "request-lifecycle";
  /** De-duplication store of CloudTrail records: {@code <eventTime 19 digits>|<eventID>} to event time. */
  public static final String CLOUDTRAIL_SEEN = "cloudtrail-seen";
  /**
   * Contents seen per idempotency key: a CloudTrail {@code eventID}, or {@code guardduty:<id>|<updatedAt>},
   * to {@code <eventTime>|<digest>[,...]} ({@link InputDedup}), to tell a re-delivered copy from a
   * conflicting duplicate.
   */
  public static final String INPUT_DIGESTS = "input-digests";
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
  /**
   * Store of the grants and AWS sessions whose CloudTrail records are filed under their request
   * ({@link GrantSessions}, SPEC 1.6): account id to JSON.
   */
  public static final String SESSION_STORE = GrantSessions.STORE;
  /** Stream-time interval of the scan of due accounts. */
  public static final Duration DEADLINE_INTERVAL = Duration.ofSeconds(1);
  /** Stream-time interval of the de-duplication purge. */
  public static final Duration PURGE_INTERVAL = Duration.ofHours(1);

  private final Policy policy;
  private final DeadlineClock clock;
  private final ExpirySweep sweep;
  private final IdentityCenterNames names;
  private GrantSessions grantSessions;
  private ProcessorContext<String, Emission> context;
  private KeyValueStore<String, AccountState> store;
  private KeyValueStore<String, Long> cloudTrailSeen;
  private KeyValueStore<String, Long> guardDutySeen;
  private KeyValueStore<String, Long> dueIndex;
  private InputDedup dedup;
  private AccountEffects out;
  private AccountLifecycles lifecycles;
  private boolean endEvaluated;
  private final GatewayProgress progress = new GatewayProgress();

  private AccountCorrelator(Policy policy, boolean wallClockDeadlines, SweeperSettings sweeper,
      IdentityCenterNames names) {
    this.policy = policy;
    this.names = names;
    this.clock = new DeadlineClock(wallClockDeadlines, policy.allowedLateness());
    this.sweep = new ExpirySweep(sweeper);
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
    return supplier(policy, wallClockDeadlines, sweeper, IdentityCenterNames.NONE);
  }

  /**
   * A supplier as {@link #supplier(Policy, boolean, SweeperSettings)}, attributing AWS sessions with the
   * IAM Identity Center names {@code names} knows ({@link GrantSessions}; replay: {@link IdentityCenterNames#NONE}).
   */
  public static ProcessorSupplier<String, AccountInput, String, Emission> supplier(Policy policy,
      boolean wallClockDeadlines, SweeperSettings sweeper, IdentityCenterNames names) {
    return new ProcessorSupplier<>() {
      @Override
      public Processor<String, AccountInput, String, Emission> get() {
        return new AccountCorrelator(policy, wallClockDeadlines, sweeper, names);
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
        stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INPUT_DIGESTS), Serdes.String(),
            Serdes.String()));
        stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSION_STORE), Serdes.String(),
            new JsonSerde<>(GrantSessions.Book.class)));
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
    this.cloudTrailSeen = context.getStateStore(CLOUDTRAIL_SEEN);
    this.guardDutySeen = context.getStateStore(GUARDDUTY_SEEN);
    this.dueIndex = context.getStateStore(DUE_STORE);
    this.dedup = new InputDedup(cloudTrailSeen, guardDutySeen, context.getStateStore(INPUT_DIGESTS));
    this.out = new AccountEffects(policy, clock, context, context.getStateStore(ACCOUNT_CHAIN_STORE));
    this.lifecycles = new AccountLifecycles(policy, context.getStateStore(LIFECYCLE_STORE));
    this.grantSessions = new GrantSessions(policy, names, context.getStateStore(SESSION_STORE), out, sweep, store::get,
        (s, ctx) -> {
          evaluate(s, out.now(s), ctx);
          lifecycles.flush();
          store.put(s.accountId, s);
        });
    clock.schedule(context, DEADLINE_INTERVAL, t -> evaluateDue());
    context.schedule(PURGE_INTERVAL, PunctuationType.STREAM_TIME, this::purgeSeen);
  }

  @Override
  public void process(Record<String, AccountInput> record) {
    clock.observe(context.currentStreamTimeMs());
    String account = record.key();
    String conflictEntryId = null;
    if (record.value() instanceof AccountInput.CloudTrail c) {
      InputDedup.Verdict verdict = dedup.admit(c.event());
      if (verdict == InputDedup.Verdict.COPY) {
        return;
      }
      if (verdict == InputDedup.Verdict.CONFLICT) {
        conflictEntryId = onConflictingDuplicate(account, c.event());
      }
      if (grantSessions.claim(account, c.event(), conflictEntryId)) {
        return; // a record of a grant's AWS session, filed under its request (SPEC 1.6)
      }
      if (isBackground(c.event())) {
        onBackgroundCloudTrail(account, c.event(), conflictEntryId);
        return;
      }
    }
    if (record.value() instanceof AccountInput.Revoke r && r.command().getAssignment() == null) {
      out.publishOrderedAlert(r.alert(), r.command());
      out.forwardRevoke(r.command());
      return;
    }
    if (record.value() instanceof AccountInput.Delivery d) {
      out.emitTimeline(d.draft(), d.correlationId(), null, record.timestamp());
      return;
    }
    if (record.value() instanceof AccountInput.Fact f && f.fact().isProgressMark()) {
      onProgress(f.fact().progress());
      return;
    }
    AccountState s = store.get(account);
    if (s == null) {
      s = new AccountState(account);
    }
    AccountContext ctx = out.contextOf(s);
    boolean changed = switch (record.value()) {
      case AccountInput.CloudTrail c -> onCloudTrail(s, c.event(), conflictEntryId, ctx);
      case AccountInput.GuardDuty g -> onGuardDuty(s, g.finding(), ctx);
      case AccountInput.Gateway g -> onGateway(s, g.event(), ctx);
      case AccountInput.Fact f -> onFact(s, f.fact(), ctx);
      case AccountInput.Lifecycle l -> onLifecycle(s, l.fact());
      case AccountInput.Revoke r -> out.onRevoke(s, r.command(), r.alert());
      case AccountInput.Delivery d -> false; // filed above, before the state is read
    };
    changed |= evaluate(s, out.now(s), ctx);
    lifecycles.flush();
    if (changed) {
      store.put(account, s);
    }
  }

  /**
   * Whether a CloudTrail record is judged by no rule (not root use, not a failed root sign-in, not a
   * console root call): it only goes to the account's timeline, without reading the account's state.
   */
  private static boolean isBackground(CloudTrailEvent e) {
    return !RootActivity.isRootUse(e) && !RootActivity.isFailedRootLogin(e) && !RootActivity.isConsoleRootCall(e);
  }

  /**
   * A record whose {@code eventID} came before with other content: CONFLICTING_DUPLICATE (the rule, with the
   * account's state), and the entry id the duplicate is filed under.
   */
  private String onConflictingDuplicate(String account, CloudTrailEvent e) {
    AccountState s = store.get(account);
    if (s == null) {
      s = new AccountState(account);
    }
    String digest = InputDedup.contentDigest(e);
    String entryId = InputDedup.conflictEntryId(TimelineDrafts.cloudTrailEntryId(e), digest);
    AccountRules.onConflictingDuplicate(s, new AccountRule.Duplicate("CloudTrail", e.getEventID(),
        e.getEventTime().toEpochMilli(), e.getEventName(), digest, entryId), out.contextOf(s));
    return entryId;
  }

  /** A background record (de-duplicated already): filed under {@code account:<id>}. */
  private void onBackgroundCloudTrail(String account, CloudTrailEvent e, String entryId) {
    long at = e.getEventTime().toEpochMilli();
    TimelineDraft draft = TimelineDrafts.cloudTrail(e, account, RootActivity.isRoot(e), RootActivity.isCredentialChange(e));
    out.emitTimeline(entryId == null ? draft : draft.withEntryId(entryId), TimelineDraft.accountCorrelation(account),
        null, at);
  }

  /** A record a rule judges (de-duplicated already), filed under {@code entryId} when not null. */
  private boolean onCloudTrail(AccountState s, CloudTrailEvent e, String entryId, AccountContext ctx) {
    long at = e.getEventTime().toEpochMilli();
    boolean use = RootActivity.isRootUse(e);
    boolean console = RootActivity.isConsoleRootCall(e);
    boolean credentialChange = RootActivity.isCredentialChange(e);
    TimelineDraft draft = TimelineDrafts.cloudTrail(e, s.accountId, RootActivity.isRoot(e), credentialChange);
    if (entryId != null) {
      draft = draft.withEntryId(entryId);
    }
    AccountState.PendingRoot p = new AccountState.PendingRoot(e.getEventID(), at, e.getEventName(),
        e.getSourceIPAddress(), TimelineDrafts.identityOf(e), RootActivity.isLoginWithoutMfa(e), credentialChange,
        draft);
    p.failedLogin = RootActivity.isFailedRootLogin(e);
    p.consoleSession = RootActivity.consoleSession(e);
    p.consoleCall = console && !use;
    p.antipatternCandidate = (use || console) && RootActivity.isSuccessfulRootIamCall(e);
    admit(s, p, ctx);
    return true;
  }

  private boolean onGuardDuty(AccountState s, GuardDutyFinding f, AccountContext ctx) {
    long at = EventTimeExtractor.eventTime(f) == null ? context.currentStreamTimeMs()
        : EventTimeExtractor.eventTime(f).toEpochMilli();
    long updated = f.getUpdatedAt() == null ? at : f.getUpdatedAt().toEpochMilli();
    InputDedup.Verdict verdict = dedup.admit(f, at, updated);
    if (verdict == InputDedup.Verdict.COPY) {
      return false;
    }
    TimelineDraft draft = TimelineDrafts.guardDuty(f, at);
    if (verdict == InputDedup.Verdict.CONFLICT) {
      String digest = InputDedup.contentDigest(f);
      String entryId = InputDedup.conflictEntryId(draft.entryId(), digest);
      draft = draft.withEntryId(entryId);
      AccountRules.onConflictingDuplicate(s, new AccountRule.Duplicate("GuardDuty", f.getId(), at, f.getType(),
          digest, entryId), ctx);
    }
    if (!RootActivity.isRootCredentialUsage(f)) {
      out.emitTimeline(draft, s.correlation(), null, at);
      return false;
    }
    String subject = f.getAccessKeyUserName() == null ? "root" : f.getAccessKeyUserName();
    admit(s, new AccountState.PendingRoot(f.getId(), at, f.getType(), f.getRemoteIp(), subject, false, false, draft),
        ctx);
    return true;
  }

  private boolean onGateway(AccountState s, GatewayEvent e, AccountContext ctx) {
    long at = e.getTimestamp().toEpochMilli();
    if (s.gatewayDigests.containsKey(e.getSourceDigest())) {
      return false;
    }
    s.gatewayDigests.put(e.getSourceDigest(), at);
    String scope = e.getRequestId() != null ? e.getRequestId() : s.correlation();
    int n = s.gatewayCounts.merge(scope + "/" + e.getType(), 1, Integer::sum);
    String eventId = scope + "/" + e.getType() + "/" + n;
    out.emitTimeline(TimelineDrafts.gateway(e, eventId, null, s.accountId), scope, e.getRequestId(), at);
    if ("rotation".equals(e.getType())) {
      AccountState.Rotation r = new AccountState.Rotation(eventId, at,
          "rotation event" + (e.getCredential() == null ? "" : " (" + e.getCredential() + ")"));
      s.addRotation(r);
      AccountRules.onRotation(s, r, ctx);
    } else if ("root_declaration".equals(e.getType())) {
      AccountState.Declaration d = new AccountState.Declaration(eventId, at, e.getRequestId(),
          e.getExpectedSessionDurationMinutes(), e.getActor());
      s.declarations.add(d);
      AccountRules.onDeclaration(s, d, ctx);
    }
    return true;
  }

  private boolean onFact(AccountState s, GrantFact fact, AccountContext ctx) {
    AccountState.GrantView v = s.grants.get(fact.requestId());
    if (v == null) {
      v = new AccountState.GrantView(fact);
      s.grants.put(fact.requestId(), v);
      RequestLifecycle m = s.lifecycle.contains(fact.requestId()) ? lifecycles.get(s, fact.requestId()) : null;
      if (m != null) {
        v.tenant = m.tenant;
      }
    } else {
      v.fact = fact;
    }
    List<AccountState.PendingRoot> waiting = new ArrayList<>(s.pending);
    waiting.sort(AccountState.PENDING_ORDER);
    for (AccountState.PendingRoot p : waiting) {
      AccountState.GrantView g = covering(s, p.eventTime);
      if (g != null) {
        s.pending.remove(p);
        decideCovered(s, p, g, ctx);
      }
    }
    ProvisionalDecisions.onGrant(s, t -> covering(s, t), ctx, (p, g) -> decideCovered(s, p, g, ctx));
    AccountRules.onGrant(s, v, ctx);
    grantSessions.onGrant(s, v);
    return true;
  }

  /**
   * A progress mark of a gateway source ({@link GatewayProgress}): when the configured sources together
   * progressed, the accounts with something due are evaluated at once, so a root event the gateway can no
   * longer cover is paged now rather than at the next punctuation.
   */
  private void onProgress(SourceProgress mark) {
    List<String> sources = policy.gatewaySources();
    Long before = sources.isEmpty() ? null : progress.of(sources);
    progress.observe(mark);
    Long after = sources.isEmpty() ? null : progress.of(sources);
    if (after != null && (before == null || after > before)) {
      evaluateDue();
    }
  }

  private boolean onLifecycle(AccountState s, LifecycleFact f) {
    List<RequestLifecycle.Transition> steps = lifecycles.onFact(s, f);
    if (steps == null) {
      return false;
    }
    AccountLifecycles.file(lifecycles.get(s, f.requestId()), steps, out);
    return true;
  }

  /** Files a root event under its covering grant now, or leaves it pending. */
  private void admit(AccountState s, AccountState.PendingRoot p, AccountContext ctx) {
    AccountState.GrantView g = covering(s, p.eventTime);
    if (g != null) {
      decideCovered(s, p, g, ctx);
    } else {
      s.pending.add(p);
    }
  }

  /** The grant covering an event at {@code t}: root requests first, then the earliest grant; null if none. */
  private AccountState.GrantView covering(AccountState s, long t) {
    AccountState.GrantView best = null;
    for (AccountState.GrantView v : s.grants.values()) {
      if (!v.covers(t, out.policyOf(s, v).skew().toMillis())) {
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

  /**
   * The authorized session a root credential change at {@code t} rotates (SPEC section 2): a grant with
   * root use whose end (expiry or revoke) plus {@code skew} is before {@code t} and within its
   * {@code rotationDeadline} after; the latest ended first. Null if none.
   */
  private AccountState.GrantView rotationOf(AccountState s, long t) {
    AccountState.GrantView best = null;
    for (AccountState.GrantView v : s.grants.values()) {
      Long end = v.end();
      if (v.firstRootAt == null || end == null || !v.fact.approved()) {
        continue;
      }
      Policy pol = out.policyOf(s, v);
      if (t > end + pol.skew().toMillis() && t <= end + pol.rotationDeadline().toMillis()
          && (best == null || end > best.end())) {
        best = v;
      }
    }
    return best;
  }

  /**
   * Files a root credential change made after an authorized session ended under that session's request:
   * it is the session's rotation, no root use (no session, no overrun, no new rotation obligation).
   */
  private void decideRotation(AccountState s, AccountState.PendingRoot p, AccountState.GrantView g,
      AccountContext ctx) {
    String requestId = g.fact.requestId();
    out.emitTimeline(p.draft, requestId, requestId, p.eventTime);
    AccountState.Rotation rotation = new AccountState.Rotation(p.eventId, p.eventTime, p.action);
    s.addRotation(rotation);
    AccountRules.onRotation(s, rotation, ctx);
  }

  /** Files a covered root event under its request: the grant's session, lifecycle, rotation evidence, rules. */
  private void decideCovered(AccountState s, AccountState.PendingRoot p, AccountState.GrantView g, AccountContext ctx) {
    String requestId = g.fact.requestId();
    if (p.draft != null) { // a provisional event a late grant covers was filed already
      out.emitTimeline(p.draft, requestId, requestId, p.eventTime);
    }
    if (p.isUse()) {
      if (g.firstRootAt == null || p.eventTime < g.firstRootAt) {
        g.firstRootAt = p.eventTime;
        g.firstRootEventId = p.eventId;
      }
      // a credential change is the rotation the runbook asks for, never a use past the declared session
      if (g.lastRootAt == null || p.eventTime >= g.lastRootAt && !p.credentialChange) {
        g.lastRootAt = p.eventTime;
        g.lastRootEventId = p.eventId;
      }
      if (g.rootEventIds.size() < AccountState.MAX_EVIDENCE) {
        g.rootEventIds.add(p.eventId);
        if (!p.credentialChange) {
          g.useTimes.put(p.eventId, p.eventTime);
        }
      } else {
        g.rootEventsOmitted++;
      }
      if (!s.closedRequests.containsKey(requestId)) {
        RequestLifecycle m = lifecycles.get(s, requestId);
        AccountLifecycles.file(m, m.onRootUse(p.eventTime, p.eventId), out);
        lifecycles.changed(requestId);
      }
    }
    AccountState.Rotation rotation = null;
    if (p.credentialChange) {
      rotation = new AccountState.Rotation(p.eventId, p.eventTime, p.action);
      s.addRotation(rotation);
    }
    AccountRules.onCovered(s, p, g, ctx);
    if (rotation != null) {
      AccountRules.onRotation(s, rotation, ctx);
    }
  }

  /**
   * Decides every pending event whose decision delay has passed, the rules' deadlines, the lifecycles and
   * the expiry sweep, and drops state older than the retention.
   *
   * @return whether {@code s} changed
   */
  private boolean evaluate(AccountState s, long now, AccountContext ctx) {
    boolean changed = decidePending(s, now, ctx);
    changed |= ProvisionalDecisions.confirm(s, now, out::revokeHeld);
    changed |= AccountRules.evaluate(s, now, ctx);
    changed |= lifecycles.advance(s, now, out);
    changed |= sweep.evaluate(s, now, out);
    changed |= purge(s, now);
    changed |= reindex(s, ctx);
    return changed;
  }

  /**
   * Decides the pending events {@link RootDecision} finds decidable, in event-time order: the final ones
   * first, then the provisional ones (live), which {@link ProvisionalDecisions} keeps open to a late grant.
   *
   * @return whether any was decided
   */
  private boolean decidePending(AccountState s, long now, AccountContext ctx) {
    Policy acct = out.accountPolicy(s);
    long wait = clock.lateInputWait(acct.decisionDelay());
    List<String> sources = policy.gatewaySources();
    Long progressed = sources.isEmpty() ? null : progress.of(sources);
    List<AccountState.PendingRoot> finals = new ArrayList<>();
    List<AccountState.PendingRoot> early = new ArrayList<>();
    for (AccountState.PendingRoot p : s.pending) {
      switch (RootDecision.of(p.eventTime, now, context.currentSystemTimeMs(), wait, clock.wallClock(), sources,
          progressed)) {
        case FINAL -> finals.add(p);
        case PROVISIONAL -> early.add(p);
        case WAIT -> { }
      }
    }
    if (finals.isEmpty() && early.isEmpty()) {
      return false;
    }
    if (!finals.isEmpty()) {
      decide(s, finals, acct, ctx);
    }
    if (!early.isEmpty()) {
      early.sort(AccountState.PENDING_ORDER);
      AccountState.Provisional rec = ProvisionalDecisions.open(early, wait);
      List<AccountState.PendingRoot> uncovered = decide(s, early, acct, ProvisionalDecisions.recording(ctx, rec));
      ProvisionalDecisions.file(s, rec, uncovered);
    }
    return true;
  }

  /**
   * Decides {@code due} (taken out of pending here), in event-time order: covered ones are filed under their
   * request, the others under the account, root use joining or opening an unauthorized session; then the
   * rules judge the uncovered ones together.
   *
   * @return the uncovered events
   */
  private List<AccountState.PendingRoot> decide(AccountState s, List<AccountState.PendingRoot> due, Policy acct,
      AccountContext ctx) {
    s.pending.removeAll(due);
    due.sort(AccountState.PENDING_ORDER);
    List<AccountState.RootSession> opened = new ArrayList<>();
    List<AccountState.PendingRoot> uncovered = new ArrayList<>();
    for (AccountState.PendingRoot p : due) {
      AccountState.GrantView g = covering(s, p.eventTime);
      if (g != null) {
        decideCovered(s, p, g, ctx);
        continue;
      }
      AccountState.GrantView rotated = p.credentialChange ? rotationOf(s, p.eventTime) : null;
      if (rotated != null) {
        decideRotation(s, p, rotated, ctx);
        continue;
      }
      out.emitTimeline(p.draft, s.correlation(), null, p.eventTime);
      if (p.isUse()) {
        AccountState.RootSession session = s.sessionFor(p, acct.rootSessionGap().toMillis());
        if (session == null) {
          session = new AccountState.RootSession(p);
          s.sessions.add(session);
          opened.add(session);
        } else {
          session.add(p);
        }
      }
      uncovered.add(p);
    }
    AccountRules.onUncovered(s, new AccountRule.Uncovered(List.copyOf(opened), List.copyOf(uncovered)), ctx);
    return uncovered;
  }

  /**
   * Files the account in {@value #DUE_STORE} under its next due time ({@link #nextDue}); call after
   * {@link #evaluate}, while its lifecycles are loaded.
   *
   * @return whether the due time changed
   */
  private boolean reindex(AccountState s, AccountContext ctx) {
    Long due = nextDue(s, ctx);
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
   * a pending event's decision, a rule's deadline ({@link AccountRule#nextDue}), a lifecycle's next step
   * ({@link RequestLifecycle#nextDue}), a grant end the sweeper owes a judgement, or state reaching its
   * retention. Null when there is none. Never later than the true time (it may be earlier: the evaluation
   * then finds nothing and the account is filed under its next time).
   */
  private Long nextDue(AccountState s, AccountContext ctx) {
    Policy acct = out.accountPolicy(s);
    Long due = AccountRules.nextDue(s, ctx);
    for (AccountState.PendingRoot p : s.pending) {
      due = RequestLifecycle.earliest(due, RootDecision.due(p.eventTime, clock.lateInputWait(acct.decisionDelay()),
          clock.wallClock()));
    }
    Long confirmDue = ProvisionalDecisions.nextDue(s);
    if (confirmDue != null) {
      due = RequestLifecycle.earliest(due, confirmDue);
    }
    long retention = acct.stateRetention().toMillis();
    for (AccountState.RootSession session : s.sessions) {
      if (session.rotationDecided) {
        due = RequestLifecycle.earliest(due, session.lastAt + retention);
      }
    }
    for (AccountState.GrantView v : s.grants.values()) {
      Long end = v.end();
      if (v.firstRootAt == null || v.rotationDecided) {
        due = RequestLifecycle.earliest(due, (end != null ? end : v.fact.grantedAt()) + retention);
      }
    }
    Long sweepDue = sweep.nextDue(s);
    if (sweepDue != null) {
      due = RequestLifecycle.earliest(due, sweepDue);
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
    Long lifecycleDue = lifecycles.nextDue(s);
    return lifecycleDue == null ? due : RequestLifecycle.earliest(due, lifecycleDue);
  }

  private boolean purge(AccountState s, long now) {
    long cutoff = now - out.accountPolicy(s).stateRetention().toMillis();
    boolean changed = s.sessions.removeIf(x -> x.rotationDecided && x.lastAt < cutoff);
    changed |= s.grants.values().removeIf(v -> {
      Long end = v.end();
      boolean decided = v.firstRootAt == null || v.rotationDecided;
      return decided && (end != null ? end < cutoff : v.fact.grantedAt() < cutoff);
    });
    changed |= s.rotations.removeIf(t -> t < cutoff);
    changed |= s.rotationEvidence.removeIf(r -> r.at() < cutoff);
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
    // at the end of input every account with something ahead is evaluated once more: what only waited
    // for late input is decided, the rest is filed again under its time
    boolean end = clock.atEnd() && !endEvaluated;
    endEvaluated |= end;
    try (KeyValueIterator<String, Long> it = end ? dueIndex.all() : dueIndex.range(null, seenKey(horizon + 1, ""))) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    for (String key : keys) {
      String account = key.substring(key.indexOf('|') + 1);
      AccountState s = store.get(account);
      if (s == null || s.dueAt == null || !key.equals(seenKey(s.dueAt, account))) {
        dueIndex.delete(key);
        continue;
      }
      long now = out.now(s);
      if (s.dueAt == null || s.dueAt > now && !end) {
        continue;
      }
      evaluate(s, now, out.contextOf(s));
      lifecycles.flush();
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
    if (DeadlineClock.isEndOfInput(now)) {
      return; // the end of input is no time
    }
    dedup.purge(now - policy.stateRetention().toMillis());
    grantSessions.purge(now);
  }

  /**
   * The deadlines still open in stage B's state (store {@value #STORE}, read after the end of a replay's
   * input), as each rule states them ({@link AccountRule#openDeadlines}), ordered by due time, then type
   * and correlation. Reads the store only.
   *
   * @param accounts the {@value #STORE} store (for example {@code TopologyTestDriver.getKeyValueStore})
   * @param policy the policy the topology ran with
   * @return the open deadlines, possibly empty
   */
  public static List<OpenDeadline> openDeadlines(ReadOnlyKeyValueStore<String, ?> accounts, Policy policy) {
    return AccountDeadlines.open(accounts, policy);
  }

  /** De-duplication key: event time zero-padded to 19 digits, so a range scan finds every key older than a time. */
  static String seenKey(long eventTime, String id) {
    String digits = Long.toString(Math.max(0, eventTime));
    StringBuilder b = new StringBuilder(20 + id.length());
    b.repeat('0', 19 - digits.length()).append(digits).append('|').append(id);
    return b.toString();
  }
}
