package io.glasswatch.streams.correlation;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.enforcement.RevokeCommands;
import io.glasswatch.catalogue.Action;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.time.DeadlineClock;
import io.glasswatch.streams.state.JsonSerde;
import io.glasswatch.streams.timeline.TimelineDraft;
import io.glasswatch.streams.timeline.TimelineDrafts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

/**
 * Stage A, keyed by request id: the life of one break-glass request (request, approval, grant, usage,
 * expiry) and the outcomes of revoke commands for it. State: store {@value #STORE} (JSON
 * {@code RequestState}) and the deadline index {@value #DEADLINES}.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>The break-glass systems' own event types ({@code denial}, {@code error}, {@code audit}, and the
 *       {@code jit_requests} enrichment of a request) are recorded by {@link SourceEvents}; audit evidence
 *       naming no request is keyed, and correlated, {@code subject:<subject>}.
 *   <li>Each gateway event gets the id {@code <requestId>/<type>/<n>} (n = 1-based count of that type
 *       in the request, in arrival order) and one timeline entry; a re-delivered copy (same
 *       {@code sourceDigest}) produces nothing.
 *   <li>Alert rules: TOKEN_REUSE, USAGE_AFTER_EXPIRY, SELF_APPROVAL, WEAK_APPROVER_ASSURANCE,
 *       MISSING_APPROVALS, STALE_APPROVAL, SCOPE_ESCALATION, EXCESSIVE_DURATION, EXPIRY_EXTENDED,
 *       DENIED_ATTEMPTS, GRANT_ERROR, GATEWAY_AUDIT_TAMPERED and UNLISTED_BREAK_GLASS_PRINCIPAL are one
 *       {@link RequestRule} class each, whose Javadoc states the rule, run by
 *       {@link RequestRules} after every event of the request and when one of its deadlines falls due.
 *   <li>Policy: every rule uses the request's effective policy {@code policy.resolve(accountId, tenant)}
 *       (account of the request, else of the grant).
 *   <li>Alert ids: {@code deterministicId(type, requestId, defining ids)}; {@code detectedAt} is stream
 *       time at the decision. For an alert type whose policy includes {@code revoke}, one revoke command
 *       per (request, alert) for the request's latest grant (carrying its account assignment), issued at
 *       stream time. An alert raised before the request has any grant (a self-approval, say) is
 *       remembered, and its revoke is issued as soon as a grant arrives, with a timeline entry that says
 *       so; TOKEN_REUSE and USAGE_AFTER_EXPIRY ({@link RequestContext#raiseRevokingAtOnce}) issue their
 *       command at once, without an assignment when there is no grant, so that the executor reports it.
 *   <li>Deadlines: a request with a pending decision has one entry in {@value #DEADLINES}
 *       ({@code <due time, 19 digits>|<requestId>}); a stream-time punctuator every
 *       {@link #DEADLINE_INTERVAL} judges the requests whose time has come. Stream time is read in one
 *       place ({@code now()}).
 *   <li>Grant facts go to stage B, keyed by account id (the request's, else the grant's), whenever they
 *       change; while the account is unknown (a grant without assignment before its request) they wait
 *       in state.
 *   <li>Lifecycle facts go to stage B keyed by account id, each step once: {@code requested} (the first
 *       request event), {@code approved} (once the request is known, when every required role has a
 *       counting approval: at the latest of each role's earliest counting approval, approverRoles = the
 *       roles of all approvals by others so far, in event-time order), {@code granted} (first grant),
 *       {@code used} (first usage with outcome allow), {@code expired}, {@code consumed} and
 *       {@code revoked} (expiry reasons ttl_elapsed, consumed, revoked; {@code revoked} also from a
 *       revoke result CONFIRMED or ALREADY_ABSENT, at the command's {@code commandIssuedAt}). Steps wait
 *       in state while the account is unknown; the steps sent together go in lifecycle order.
 *   <li>Subject stage: the first request event of a request goes, keyed by the normalized subject, to
 *       the subject stage ({@code SubjectCorrelator}) as a {@link SubjectRequest}.
 *   <li>State of a request is deleted {@code stateRetention} of event time after its last event (a
 *       stream-time punctuator, hourly); an event re-delivered after that counts again.
 * </ul>
 */
public final class RequestCorrelator implements Processor<String, RequestInput, String, Emission> {
  /** Store of request state: request id to JSON state. */
  public static final String STORE = "request-state";
  /** Deadline index: {@code <due stream time, 19 digits>|<requestId>} to request id. */
  public static final String DEADLINES = "request-deadlines";
  /** Stream-time interval of the state purge. */
  public static final Duration PURGE_INTERVAL = Duration.ofHours(1);
  /** Stream-time interval of the deadline scan. */
  public static final Duration DEADLINE_INTERVAL = Duration.ofSeconds(10);
  /** Lifecycle step of each expiry reason. */
  private static final Map<String, String> EXPIRY_STEPS =
      Map.of("ttl_elapsed", "expired", "consumed", "consumed", "revoked", "revoked");
  /** Request scope when the request names none (SPEC 1.1). */
  private static final List<String> DEFAULT_SCOPE = List.of("break_glass:elevated");

  private final Policy policy;
  /** Stream time alone; it only knows the end of a replay's input ({@link DeadlineClock#atEnd()}). */
  private final DeadlineClock clock = new DeadlineClock(false, java.time.Duration.ZERO);
  private ProcessorContext<String, Emission> context;
  private KeyValueStore<String, RequestState> store;
  private KeyValueStore<String, String> deadlines;

  private RequestCorrelator(Policy policy) {
    this.policy = policy;
  }

  /** A supplier of correlators applying {@code policy}, declaring the {@value #STORE} and {@value #DEADLINES} stores. */
  public static ProcessorSupplier<String, RequestInput, String, Emission> supplier(Policy policy) {
    return new ProcessorSupplier<>() {
      @Override
      public Processor<String, RequestInput, String, Emission> get() {
        return new RequestCorrelator(policy);
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        // insertion order, so that the topology description is the same in every JVM
        Set<StoreBuilder<?>> stores = new LinkedHashSet<>();
        stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
            new JsonSerde<>(RequestState.class)));
        stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEADLINES), Serdes.String(),
            Serdes.String()));
        return stores;
      }
    };
  }

  @Override
  public void init(ProcessorContext<String, Emission> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.deadlines = context.getStateStore(DEADLINES);
    context.schedule(PURGE_INTERVAL, PunctuationType.STREAM_TIME, this::purge);
    context.schedule(DEADLINE_INTERVAL, PunctuationType.STREAM_TIME, this::evaluateDue);
  }

  @Override
  public void process(Record<String, RequestInput> record) {
    clock.observe(context.currentStreamTimeMs());
    switch (record.value()) {
      case RequestInput.Gateway g -> onGateway(record, g.event());
      case RequestInput.Result r -> onResult(record, r.result());
      case RequestInput.Progress m -> passOn(record, m.progress());
    }
  }

  /**
   * Passes a progress mark on to stage B, after every grant fact of the records before it on this partition
   * (facts are forwarded as their record is processed): on {@code grant-facts}, whose partitioner sends a
   * mark to every partition ({@code GlasswatchTopology}), keyed by the source id.
   */
  private void passOn(Record<String, RequestInput> record, SourceProgress mark) {
    context.forward(new Record<>(mark.source(), new Emission.Fact(GrantFact.progressMark(mark)), record.timestamp()));
  }

  private void onGateway(Record<String, RequestInput> record, GatewayEvent e) {
    // audit evidence without a request id is keyed subject:<subject> (SPEC 1.4): its own correlation
    String requestId = e.getRequestId() != null ? e.getRequestId() : record.key();
    RequestState s = load(requestId);
    if (!s.digests.add(e.getSourceDigest())) {
      return;
    }
    String type = e.getType();
    long at = e.getTimestamp().toEpochMilli();
    String eventId = requestId + "/" + type + "/" + s.next(type);
    s.lastEventAt = Math.max(s.lastEventAt, at);
    if (s.source == null && e.getSource() != null) {
      s.source = e.getSource();
    }
    boolean firstRequest = recordEvent(s, e, eventId, at);
    TimelineDraft draft = TimelineDrafts.gateway(e, eventId, s.subject, s.account());
    emitTimeline(draft, requestId, requestId, at);
    if (firstRequest && e.getSubject() != null && !e.getSubject().isBlank()) {
      SubjectRequest r = new SubjectRequest(requestId, e.getSubject(), s.accountId, s.tenant, eventId, at);
      context.forward(new Record<>(SubjectRequest.keyOf(e.getSubject()), new Emission.Requester(r),
          record.timestamp()));
    }
    judge(s, record.timestamp());
    store.put(requestId, s);
  }

  /**
   * Records gateway event {@code e} (id {@code eventId}, event time {@code at}) in the request's state,
   * with the lifecycle step it makes.
   *
   * @return whether it is the request's first {@code request} event
   */
  private static boolean recordEvent(RequestState s, GatewayEvent e, String eventId, long at) {
    boolean firstRequest = false;
    switch (e.getType()) {
      case "request" -> {
        if (SourceEvents.isEnrichment(e)) {
          SourceEvents.enrich(s, e);
          return false;
        }
        firstRequest = !s.requested;
        s.requested = true;
        s.subject = e.getSubject();
        if (e.getAccountId() != null) {
          s.accountId = e.getAccountId();
        }
        s.kind = e.getKind() == null ? "jit" : e.getKind();
        if (firstRequest) {
          s.requestEventId = eventId;
          s.tenant = e.getTenant();
          s.scope = e.getScope() == null ? DEFAULT_SCOPE : List.copyOf(e.getScope());
          step(s, "requested", at, eventId, List.of());
        }
      }
      case "approval" -> s.approvals.add(
          new RequestState.Approval(eventId, e.getApprover(), e.getApproverRole(), e.getApproverAcr(), at));
      case "grant" -> {
        Assignment assignment = Assignment.of(e.getAssignment());
        String account = e.getAccountId() != null ? e.getAccountId()
            : assignment == null ? null : assignment.accountId();
        s.grant = new RequestState.Grant(eventId, at, e.getExpiresAt() == null ? null : e.getExpiresAt().toEpochMilli(),
            e.getTokenFingerprint(), !Boolean.FALSE.equals(e.getSingleUse()), assignment, account);
        s.grants.add(s.grant);
        step(s, "granted", at, eventId, List.of());
      }
      case "usage" -> {
        RequestState.Usage u = new RequestState.Usage(eventId, at, e.getTokenFingerprint(), e.getOutcome(),
            e.getScope(), e.getTenant());
        s.usages.add(u);
        if (u.allowed()) {
          step(s, "used", at, eventId, List.of());
        }
      }
      case "expiry" -> {
        if (s.expiredAt == null || at < s.expiredAt) {
          s.expiredAt = at;
          s.expiryEventId = eventId;
          s.expiryReason = e.getReason();
        }
        String step = EXPIRY_STEPS.get(e.getReason());
        if (step != null) {
          step(s, step, at, eventId, List.of());
        }
      }
      case "denial", "error", "audit" -> SourceEvents.record(s, e, eventId, at);
      default -> throw new IllegalStateException("not a request-scoped gateway event type: " + e.getType());
    }
    return firstRequest;
  }

  private void onResult(Record<String, RequestInput> record, RevokeResult r) {
    String key = record.key();
    String requestId = r.getRequestId();
    String correlationId = requestId != null ? requestId : r.getCorrelationId();
    RequestState s = load(key);
    if (!s.results.add(r.getCommandId() + "|" + r.getOutcome() + (r.getStep() == null ? "" : "|" + r.getStepSeq()))) {
      return;
    }
    long issuedAt = r.getCommandIssuedAt().toEpochMilli();
    s.lastEventAt = Math.max(s.lastEventAt, issuedAt);
    emitTimeline(TimelineDrafts.revokeResult(r), correlationId, requestId, r.getCompletedAt().toEpochMilli());
    boolean revoked = requestId != null
        && ("CONFIRMED".equals(r.getOutcome()) || "ALREADY_ABSENT".equals(r.getOutcome()));
    if (revoked && (s.revokedAt == null || issuedAt < s.revokedAt)) {
      s.revokedAt = issuedAt;
      s.revokedBy = r.getCommandId();
    }
    if (revoked) {
      step(s, "revoked", issuedAt, r.getCommandId(), List.of());
    }
    judge(s, record.timestamp());
    store.put(key, s);
  }

  /**
   * Judges the request after a change or at a deadline: the rules ({@link RequestRules}), owed revokes,
   * the lifecycle steps and facts for stage B, and the request's next deadline (the earliest time a rule
   * asked for).
   *
   * @param timestamp record timestamp of what stage A forwards to stage B
   */
  private void judge(RequestState s, long timestamp) {
    Judgement j = new Judgement(s, policy.resolve(s.account(), s.tenant), now());
    RequestRules.judge(s, j);
    issueDeferredRevokes(s);
    recordApproved(s);
    sendFacts(s, timestamp);
    sendLifecycle(s, timestamp);
    reschedule(s, j.wakeAt);
  }

  /** The {@link RequestContext} of one judgement: the request's policy, now, and the earliest wake-up asked for. */
  private final class Judgement implements RequestContext {
    private final RequestState s;
    private final Policy p;
    private final long now;
    private long wakeAt = Long.MAX_VALUE;

    Judgement(RequestState s, Policy p, long now) {
      this.s = s;
      this.p = p;
      this.now = now;
    }

    @Override
    public long now() {
      return now;
    }

    @Override
    public Policy policy() {
      return p;
    }

    @Override
    public boolean due(long dueAt) {
      if (now >= dueAt) {
        return true;
      }
      wakeAt = Math.min(wakeAt, dueAt);
      return false;
    }

    @Override
    public boolean ready(long at) {
      return s.requested || due(at + lateInputWait());
    }

    @Override
    public long lateInputWait() {
      return clock.lateInputWait(p.decisionDelay());
    }

    @Override
    public void raise(AlertBuilder b) {
      RequestCorrelator.this.raise(s, b, true);
    }

    @Override
    public void raiseRevokingAtOnce(AlertBuilder b) {
      RequestCorrelator.this.raise(s, b, false);
    }
  }

  /**
   * Completes, de-duplicates and emits an alert, its timeline entry, and its revoke command if the policy
   * says so; with {@code deferRevoke} and no grant yet, the revoke waits for the grant.
   */
  private void raise(RequestState s, AlertBuilder b, boolean deferRevoke) {
    long now = now();
    boolean revoke = b.has(Action.REVOKE);
    b.correlationId(s.requestId).requestId(SourceEvents.requestIdOf(s)).accountId(s.account()).subject(s.subject)
        .tenant(s.tenant)
        .detectedAt(now).revokedRequestIds(revoke ? List.of(s.requestId) : List.of());
    if (!s.alerts.add(b.alertId())) {
      return;
    }
    Alert alert = b.build();
    boolean issueNow = revoke && !(deferRevoke && s.grant == null);
    if (issueNow && s.revokeCommands.add(RevokeCommands.commandId(alert.getAlertId(), s.requestId))) {
      // the alert travels with its command through stage B, which names the overlapping grants in both
      // and publishes the alert, its timeline entry and the revoke_requested entry
      RequestState.Grant g = s.grant;
      RevokeCommand cmd = RevokeCommands.forAlert(alert, s.requestId,
          g == null ? null : Assignment.toAvro(g.assignment()), g == null ? null : g.tokenFingerprint(), now,
          context.currentSystemTimeMs());
      issue(s, cmd, alert, null);
      return;
    }
    context.forward(new Record<>(alert.getCorrelationId(), new Emission.Raised(alert), now));
    emitTimeline(TimelineDrafts.alert(alert), s.requestId, s.requestId, now);
    if (revoke && deferRevoke && s.grant == null) {
      s.deferredRevokes.add(
          new RequestState.DeferredRevoke(alert.getAlertId(), alert.getAlertType(), alert.getSummary(), now));
    }
  }

  /** Issues the revokes owed for alerts raised before the request had a grant, once it has one. */
  private void issueDeferredRevokes(RequestState s) {
    if (s.grant == null || s.deferredRevokes.isEmpty()) {
      return;
    }
    long now = now();
    RequestState.Grant g = s.grant;
    for (RequestState.DeferredRevoke d : s.deferredRevokes) {
      if (s.revokeCommands.add(RevokeCommands.commandId(d.alertId(), s.requestId))) {
        RevokeCommand cmd = RevokeCommands.forAlert(d.alertId(), d.alertType(), d.summary(), s.requestId,
            Assignment.toAvro(g.assignment()), g.tokenFingerprint(), now, context.currentSystemTimeMs());
        issue(s, cmd, null, TimelineDrafts.revokeRequestedOnGrant(cmd, d.alertType(), d.raisedAt()));
      }
    }
    s.deferredRevokes.clear();
  }

  /**
   * Sends a revoke command to stage B: with {@code alert} (not yet published), stage B publishes the
   * alert and files its and the command's timeline entries; without, {@code draft} is filed here.
   */
  private void issue(RequestState s, RevokeCommand cmd, Alert alert, TimelineDraft draft) {
    long now = cmd.getIssuedAt().toEpochMilli();
    context.forward(new Record<>(cmd.getCommandId(), new Emission.Revoke(cmd, alert), now));
    if (draft != null) {
      emitTimeline(draft, s.requestId, s.requestId, now);
    }
    if (s.revokedAt == null || now < s.revokedAt) {
      s.revokedAt = now;
      s.revokedBy = cmd.getCommandId();
    }
  }

  /** Records a lifecycle step unless one of that name was recorded before. */
  private static void step(RequestState s, String event, long at, String eventId, List<String> roles) {
    if (!s.hasStep(event)) {
      s.steps.add(new RequestState.Step(event, at, eventId, roles, false));
    }
  }

  /** Records {@code approved} once the request is known and every required role has a counting approval. */
  private void recordApproved(RequestState s) {
    if (!s.requested || s.hasStep("approved")) {
      return;
    }
    Policy p = policy.resolve(s.account(), s.tenant);
    Map<String, RequestState.Approval> first = RequestRules.firstByRole(s, p, Long.MAX_VALUE);
    if (first.size() < RequestRules.requirements(s, p).size()) {
      return;
    }
    RequestState.Approval completing = first.values().stream()
        .max(Comparator.comparingLong(RequestState.Approval::at)).orElseThrow();
    LinkedHashSet<String> roles = new LinkedHashSet<>();
    s.approvals.stream().filter(a -> !s.isSubject(a.approver()))
        .sorted(Comparator.comparingLong(RequestState.Approval::at)).forEach(a -> roles.addAll(RequestRules.rolesOf(s, p, a)));
    step(s, "approved", completing.at(), completing.eventId(), List.copyOf(roles));
  }

  /** Sends the lifecycle steps not sent yet, in lifecycle order, once the request's account is known. */
  private void sendLifecycle(RequestState s, long timestamp) {
    String account = s.account();
    if (account == null) {
      return;
    }
    List<RequestState.Step> unsent = s.steps.stream().filter(st -> !st.sent())
        .sorted(Comparator.comparingInt(st -> LifecycleFact.EVENTS.indexOf(st.event()))).toList();
    for (RequestState.Step st : unsent) {
      LifecycleFact fact = new LifecycleFact(s.requestId, account, s.kind == null ? "jit" : s.kind, s.subject,
          s.tenant, st.event(), st.at(), st.eventId(), st.approverRoles());
      context.forward(new Record<>(account, new Emission.Lifecycle(fact), timestamp));
    }
    if (!unsent.isEmpty()) {
      s.steps.replaceAll(st -> st.sent() ? st
          : new RequestState.Step(st.event(), st.at(), st.eventId(), st.approverRoles(), true));
    }
  }

  /** Moves the request's entry in the deadline index to {@code wakeAt} ({@link Long#MAX_VALUE}: none). */
  private void reschedule(RequestState s, long wakeAt) {
    Long next = wakeAt == Long.MAX_VALUE ? null : wakeAt;
    if (Objects.equals(next, s.wakeAt)) {
      return;
    }
    if (s.wakeAt != null) {
      deadlines.delete(deadlineKey(s.wakeAt, s.requestId));
    }
    if (next != null) {
      deadlines.put(deadlineKey(next, s.requestId), s.requestId);
    }
    s.wakeAt = next;
  }

  private static String deadlineKey(long at, String requestId) {
    return String.format("%019d|%s", Math.max(0, at), requestId);
  }

  /** Judges every request whose deadline is at or before stream time. */
  private void evaluateDue(long streamTime) {
    long now = now();
    List<KeyValue<String, String>> due = new ArrayList<>();
    // at the end of input every request with a deadline is judged once more: those that only waited for
    // late input are decided, the others are filed again under their deadline
    String to = clock.atEnd() ? null : String.format("%019d", Math.max(0, now + 1));
    try (KeyValueIterator<String, String> it = deadlines.range(null, to)) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> kv : due) {
      deadlines.delete(kv.key);
      RequestState s = store.get(kv.value);
      if (s == null) {
        continue;
      }
      s.wakeAt = null;
      judge(s, now);
      store.put(kv.value, s);
    }
  }

  /**
   * "Now" of every decision: stream time. The one place to change for a clock that also follows the
   * wall clock in live operation.
   */
  private long now() {
    return clock.at(context.currentStreamTimeMs(), context.currentSystemTimeMs());
  }

  /** Emits the grant fact when the grant and its account are known and the fact changed. */
  private void sendFacts(RequestState s, long timestamp) {
    String account = s.account();
    if (s.grant == null || account == null) {
      return;
    }
    RequestState.Grant g = s.grant;
    GrantFact fact = new GrantFact(s.requestId, s.kind == null ? "jit" : s.kind, account, s.subject,
        !s.approvals.isEmpty(), g.grantedAt(), g.expiresAt(), g.assignment(), g.tokenFingerprint(), g.eventId(),
        s.endedAt(), s.endReason());
    if (!fact.equals(s.lastFact)) {
      s.lastFact = fact;
      context.forward(new Record<>(account, new Emission.Fact(fact), timestamp));
    }
  }

  private void emitTimeline(TimelineDraft draft, String correlationId, String requestId, long timestamp) {
    context.forward(new Record<>(correlationId, new Emission.Timeline(draft.toEntry(correlationId, requestId)),
        timestamp));
  }

  private RequestState load(String requestId) {
    RequestState s = store.get(requestId);
    return s != null ? s : new RequestState(requestId);
  }

  private void purge(long streamTime) {
    if (DeadlineClock.isEndOfInput(streamTime)) {
      return; // the end of input is no time: state is kept for the last judgements
    }
    long cutoff = streamTime - policy.stateRetention().toMillis();
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, RequestState> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, RequestState> kv = it.next();
        if (kv.value.lastEventAt < cutoff) {
          expired.add(kv.key);
          if (kv.value.wakeAt != null) {
            deadlines.delete(deadlineKey(kv.value.wakeAt, kv.value.requestId));
          }
        }
      }
    }
    expired.forEach(store::delete);
  }
}
