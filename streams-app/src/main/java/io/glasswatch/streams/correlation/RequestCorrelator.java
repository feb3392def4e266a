package io.glasswatch.streams.correlation;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.enforcement.RevokeCommands;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * {@code RequestState}).
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>Each gateway event gets the id {@code <requestId>/<type>/<n>} (n = 1-based count of that type
 *       in the request, in arrival order) and one timeline entry; a re-delivered copy (same
 *       {@code sourceDigest}) produces nothing.
 *   <li>TOKEN_REUSE: a second usage (any outcome) of a single-use token ({@code singleUse} absent
 *       means true; a token whose grant is not seen yet counts as single-use). Once per token;
 *       defined by the first two usages in event time.
 *   <li>USAGE_AFTER_EXPIRY: a usage with outcome {@code allow} at or after the grant's
 *       {@code expiresAt}, at or after an expiry event, or after a revocation. A revocation is known
 *       from a revoke result CONFIRMED or ALREADY_ABSENT (at the command's {@code commandIssuedAt}) or
 *       from a revoke command this stage issued (at its {@code issuedAt}). Once per usage event,
 *       defined by the usage id. Events may arrive in any order: every change of the grant's end
 *       re-examines the usages already seen.
 *   <li>Alert ids: {@code deterministicId(type, requestId, defining ids)}; {@code detectedAt} is stream
 *       time at the decision. For an alert type whose policy includes {@code revoke}, one revoke command
 *       per (request, alert) for the request's grant, issued at stream time.
 *   <li>Grant facts go to stage B, keyed by account id (the request's, else the grant's), whenever they
 *       change; while the account is unknown (a grant without assignment before its request) they wait
 *       in state.
 *   <li>State of a request is deleted {@code stateRetention} of event time after its last event (a
 *       stream-time punctuator, hourly); an event re-delivered after that counts again.
 * </ul>
 */
public final class RequestCorrelator implements Processor<String, RequestInput, String, Emission> {
  /** Store of request state: request id to JSON state. */
  public static final String STORE = "request-state";
  /** Stream-time interval of the state purge. */
  public static final Duration PURGE_INTERVAL = Duration.ofHours(1);

  private final Policy policy;
  private ProcessorContext<String, Emission> context;
  private KeyValueStore<String, RequestState> store;

  private RequestCorrelator(Policy policy) {
    this.policy = policy;
  }

  /** A supplier of correlators applying {@code policy}, declaring the {@value #STORE} store. */
  public static ProcessorSupplier<String, RequestInput, String, Emission> supplier(Policy policy) {
    return new ProcessorSupplier<>() {
      @Override
      public Processor<String, RequestInput, String, Emission> get() {
        return new RequestCorrelator(policy);
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
            new JsonSerde<>(RequestState.class)));
      }
    };
  }

  @Override
  public void init(ProcessorContext<String, Emission> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    context.schedule(PURGE_INTERVAL, PunctuationType.STREAM_TIME, this::purge);
  }

  @Override
  public void process(Record<String, RequestInput> record) {
    switch (record.value()) {
      case RequestInput.Gateway g -> onGateway(record, g.event());
      case RequestInput.Result r -> onResult(record, r.result());
    }
  }

  private void onGateway(Record<String, RequestInput> record, GatewayEvent e) {
    String requestId = e.getRequestId();
    RequestState s = load(requestId);
    if (!s.digests.add(e.getSourceDigest())) {
      return;
    }
    String type = e.getType();
    long at = e.getTimestamp().toEpochMilli();
    String eventId = requestId + "/" + type + "/" + s.next(type);
    s.lastEventAt = Math.max(s.lastEventAt, at);
    switch (type) {
      case "request" -> {
        s.requested = true;
        s.subject = e.getSubject();
        if (e.getAccountId() != null) {
          s.accountId = e.getAccountId();
        }
        s.kind = e.getKind() == null ? "jit" : e.getKind();
      }
      case "approval" -> s.approvals.add(
          new RequestState.Approval(eventId, e.getApprover(), e.getApproverRole(), e.getApproverAcr(), at));
      case "grant" -> {
        Assignment assignment = Assignment.of(e.getAssignment());
        String account = e.getAccountId() != null ? e.getAccountId()
            : assignment == null ? null : assignment.accountId();
        s.grant = new RequestState.Grant(eventId, at, e.getExpiresAt() == null ? null : e.getExpiresAt().toEpochMilli(),
            e.getTokenFingerprint(), !Boolean.FALSE.equals(e.getSingleUse()), assignment, account);
      }
      case "usage" -> s.usages.add(new RequestState.Usage(eventId, at, e.getTokenFingerprint(), e.getOutcome()));
      case "expiry" -> {
        if (s.expiredAt == null || at < s.expiredAt) {
          s.expiredAt = at;
          s.expiryEventId = eventId;
          s.expiryReason = e.getReason();
        }
      }
      default -> throw new IllegalStateException("not a request-scoped gateway event type: " + type);
    }
    TimelineDraft draft = TimelineDrafts.gateway(e, eventId, s.subject, s.account());
    emitTimeline(draft, requestId, requestId, at);
    detect(s);
    sendFacts(s, record.timestamp());
    store.put(requestId, s);
  }

  private void onResult(Record<String, RequestInput> record, RevokeResult r) {
    String key = record.key();
    String requestId = r.getRequestId();
    String correlationId = requestId != null ? requestId : r.getCorrelationId();
    RequestState s = load(key);
    if (!s.results.add(r.getCommandId() + "|" + r.getOutcome())) {
      return;
    }
    long issuedAt = r.getCommandIssuedAt().toEpochMilli();
    s.lastEventAt = Math.max(s.lastEventAt, issuedAt);
    emitTimeline(TimelineDrafts.revokeResult(r), correlationId, requestId, r.getCompletedAt().toEpochMilli());
    if (requestId != null && ("CONFIRMED".equals(r.getOutcome()) || "ALREADY_ABSENT".equals(r.getOutcome()))
        && (s.revokedAt == null || issuedAt < s.revokedAt)) {
      s.revokedAt = issuedAt;
      s.revokedBy = r.getCommandId();
    }
    detect(s);
    sendFacts(s, record.timestamp());
    store.put(key, s);
  }

  /** Runs both detectors over the whole state; each fires at most once per token or usage. */
  private void detect(RequestState s) {
    detectTokenReuse(s);
    detectUsageAfterExpiry(s);
  }

  private void detectTokenReuse(RequestState s) {
    Map<String, List<RequestState.Usage>> byToken = new LinkedHashMap<>();
    for (RequestState.Usage u : s.usages) {
      if (u.tokenFingerprint != null) {
        byToken.computeIfAbsent(u.tokenFingerprint, k -> new ArrayList<>()).add(u);
      }
    }
    for (Map.Entry<String, List<RequestState.Usage>> e : byToken.entrySet()) {
      String token = e.getKey();
      List<RequestState.Usage> uses = e.getValue();
      if (uses.size() < 2 || s.reusedTokens.contains(token) || !s.singleUse(token)) {
        continue;
      }
      List<RequestState.Usage> ordered = new ArrayList<>(uses);
      ordered.sort(Comparator.comparingLong((RequestState.Usage u) -> u.at));
      RequestState.Usage first = ordered.get(0);
      RequestState.Usage second = ordered.get(1);
      s.reusedTokens.add(token);
      AlertBuilder b = AlertBuilder.of(policy, AlertType.TOKEN_REUSE)
          .defining(first.eventId, second.eventId)
          .eventTime(second.at)
          .summary(String.format("Single-use token %s of request %s was used again at %s (%s) after its first use at %s.",
              TimelineDrafts.shortFingerprint(token), s.requestId, Instant.ofEpochMilli(second.at), second.outcome,
              Instant.ofEpochMilli(first.at)));
      raise(s, b);
    }
  }

  private void detectUsageAfterExpiry(RequestState s) {
    for (RequestState.Usage u : s.usages) {
      if (!u.allowed() || u.expiryAlerted) {
        continue;
      }
      String causeId = null;
      String cause = null;
      long causeAt = Long.MAX_VALUE;
      if (s.grant != null && s.grant.expiresAt() != null && u.at >= s.grant.expiresAt()) {
        causeId = s.grant.eventId();
        cause = "the grant's expiry";
        causeAt = s.grant.expiresAt();
      }
      if (s.expiredAt != null && u.at >= s.expiredAt && s.expiredAt < causeAt) {
        causeId = s.expiryEventId;
        cause = "the expiry event (" + s.expiryReason + ")";
        causeAt = s.expiredAt;
      }
      if (s.revokedAt != null && u.at > s.revokedAt && s.revokedAt < causeAt) {
        causeId = s.revokedBy;
        cause = "its revocation";
        causeAt = s.revokedAt;
      }
      if (causeId == null) {
        continue;
      }
      u.expiryAlerted = true;
      AlertBuilder b = AlertBuilder.of(policy, AlertType.USAGE_AFTER_EXPIRY)
          .defining(u.eventId)
          .evidence(List.of(causeId))
          .eventTime(u.at)
          .summary(String.format("The grant of request %s was used with outcome allow at %s, after %s at %s.",
              s.requestId, Instant.ofEpochMilli(u.at), cause, Instant.ofEpochMilli(causeAt)));
      raise(s, b);
    }
  }

  /** Completes, de-duplicates and emits an alert, its timeline entry, and its revoke command if the policy says so. */
  private void raise(RequestState s, AlertBuilder b) {
    long now = context.currentStreamTimeMs();
    boolean revoke = b.has(Action.REVOKE);
    b.correlationId(s.requestId).requestId(s.requestId).accountId(s.account()).subject(s.subject).detectedAt(now)
        .revokedRequestIds(revoke ? List.of(s.requestId) : List.of());
    if (!s.alerts.add(b.alertId())) {
      return;
    }
    Alert alert = b.build();
    context.forward(new Record<>(alert.getCorrelationId(), new Emission.Raised(alert), now));
    emitTimeline(TimelineDrafts.alert(alert), s.requestId, s.requestId, now);
    if (revoke && s.revokeCommands.add(RevokeCommands.commandId(alert.getAlertId(), s.requestId))) {
      RequestState.Grant g = s.grant;
      RevokeCommand cmd = RevokeCommands.forAlert(alert, s.requestId,
          g == null ? null : Assignment.toAvro(g.assignment()), g == null ? null : g.tokenFingerprint(), now,
          context.currentSystemTimeMs());
      context.forward(new Record<>(cmd.getCommandId(), new Emission.Revoke(cmd), now));
      emitTimeline(TimelineDrafts.revokeRequested(cmd), s.requestId, s.requestId, now);
      if (s.revokedAt == null || now < s.revokedAt) {
        s.revokedAt = now;
        s.revokedBy = cmd.getCommandId();
      }
    }
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
    long cutoff = streamTime - policy.stateRetention().toMillis();
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, RequestState> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, RequestState> kv = it.next();
        if (kv.value.lastEventAt < cutoff) {
          expired.add(kv.key);
        }
      }
    }
    expired.forEach(store::delete);
  }
}
