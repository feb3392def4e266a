package io.glasswatch.streams;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertDeliveryEvent;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeOrder;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.attribution.IdentityCenterNames;
import io.glasswatch.streams.correlation.AccountCorrelator;
import io.glasswatch.streams.correlation.AccountInput;
import io.glasswatch.streams.correlation.Emission;
import io.glasswatch.streams.correlation.GrantFact;
import io.glasswatch.streams.correlation.LifecycleFact;
import io.glasswatch.streams.correlation.RequestCorrelator;
import io.glasswatch.streams.correlation.RequestInput;
import io.glasswatch.streams.delivery.DeliveryEvent;
import io.glasswatch.streams.input.EventTimeExtractor;
import io.glasswatch.streams.input.InputGate;
import io.glasswatch.streams.input.InputValidation;
import io.glasswatch.streams.input.InvalidInputException;
import io.glasswatch.streams.state.JsonSerde;
import io.glasswatch.streams.subject.SubjectCorrelator;
import io.glasswatch.streams.correlation.SubjectRequest;
import io.glasswatch.streams.timeline.TimelineChainer;
import io.glasswatch.streams.timeline.TimelineDraft;
import io.glasswatch.streams.timeline.TimelineDrafts;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import io.glasswatch.streams.correlation.GatewayInput;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The one Glasswatch topology, used alike by the service ({@link StreamsService}) and by replay
 * ({@code Replayer}).
 *
 * <p>Flow (every processor, store and internal topic named by the constants below; the golden file
 * {@code topology-description.txt} in the tests pins the shape):
 *
 * <ol>
 *   <li>Every input passes an {@link InputGate}: clock ticks stop there (they only move stream time),
 *       invalid records go to the dead-letter topic. Event time comes from the values
 *       ({@link EventTimeExtractor}).
 *   <li>Gateway events split: request-scoped types go to stage A as keyed (by request id), and so do the
 *       gateway sources' progress marks (header-only ticks, {@link GatewayInput}), which stage A passes on
 *       to every partition of {@value #GRANT_FACTS_REPARTITION} behind the grant facts before them;
 *       rotation and root_declaration are re-keyed by account id through {@value #ACCOUNT_GATEWAY_REPARTITION}.
 *       Revoke results are re-keyed from command id to request id through {@value #RESULTS_REPARTITION};
 *       those of no request and an {@code account:<id>} correlation (the containment service's progress
 *       records for an {@code EMERGENCY_ROLE_WITHOUT_REQUEST}) are re-keyed by account through
 *       {@value #ACCOUNT_RESULTS_REPARTITION} instead and filed by stage B, which chains that timeline.
 *   <li>Stage A, {@link RequestCorrelator}: the request-side alerts (approvals, grants, usages,
 *       TOKEN_REUSE, USAGE_AFTER_EXPIRY); its grant facts and lifecycle steps go re-keyed by account id
 *       through {@value #GRANT_FACTS_REPARTITION} and {@value #LIFECYCLE_FACTS_REPARTITION}.
 *   <li>Stage B, {@link AccountCorrelator}: CloudTrail, GuardDuty, account-scoped gateway events, grant
 *       facts and lifecycle facts; root detection, audit records, duplicate grants and the request
 *       lifecycle state machine (store {@value AccountCorrelator#LIFECYCLE_STORE}). Its deadlines run on
 *       stream time, and live also on the wall clock ({@link StreamsSettings#wallClockDeadlines()}).
 *   <li>Subject stage, {@link SubjectCorrelator}: stage A's first sight of each request, re-keyed by the
 *       normalized subject through {@value #SUBJECT_REPARTITION}; REPEATED_BREAK_GLASS.
 *   <li>Stage A's revoke commands pass through stage B, re-keyed by the account of their assignment
 *       through {@value #REQUEST_REVOKES_REPARTITION}: stage B holds the account's grants and names the
 *       overlapping ones (same principal, same assignment) in {@code alsoRevokedRequestIds}. A command
 *       travels with the alert that caused it ({@code RevokeOrder}): stage B names the overlapping
 *       grants in that alert too and publishes it with its timeline entry and the revoke_requested
 *       entry, so the alert, the command and both requests' timelines agree. Stage B also issues the
 *       expiry sweeper's commands.
 *   <li>Alerts and revoke commands of all stages go to {@value Topics#ALERTS} and
 *       {@value Topics#REVOKE_COMMANDS}; their timeline entries go through the one repartition
 *       {@value #TIMELINE_REPARTITION} (by correlation id) to stage C, {@link TimelineChainer}, and on
 *       to {@value Topics#TIMELINE}; except the entries of {@code account:<id>} correlations, which
 *       stage B, keyed by account already, chains itself and writes to {@value Topics#TIMELINE}
 *       directly (branch {@value #CHAINED_BRANCH}). Stage B's alert resolutions (a rule deciding that
 *       its alert no longer stands) go to {@value Topics#ALERT_RESOLUTIONS}, keyed by correlation id
 *       (branch {@value #RESOLUTIONS_BRANCH}); their timeline entries go with the others.
 *   <li>On-call delivery events ({@value Topics#ALERT_DELIVERY_EVENTS}, Avro {@code AlertDeliveryEvent}
 *       read as {@link DeliveryEvent}, keyed
 *       by correlation id) become timeline entries: those of {@code account:<id>} correlations are
 *       re-keyed by account through {@value #DELIVERY_REPARTITION} and chained by stage B; those of
 *       request ids join the timeline repartition to stage C; those without a correlation id (storm
 *       reports, digests) belong to no chain and are dropped. Their event time is the alert's, never
 *       the wall clock, since they share stage A's and B's tasks ({@link EventTimeExtractor}).
 * </ol>
 *
 * <p>Partitioning: stages A and B share one sub-topology (their outputs merge before the timeline
 * repartition), so every task holds both stages for one partition number. Repartition topics take the
 * partition count of the input topics, and the CloudTrail and GuardDuty topics are read as keyed (by
 * account) next to the re-keyed account streams: all input topics must therefore have the same number
 * of partitions ({@link StreamsService} checks this at start).
 */
public final class GlasswatchTopology {
  /** Source of {@value Topics#GATEWAY_EVENTS}. */
  public static final String GATEWAY_SOURCE = "gateway-events-source";
  /** Source of {@value Topics#CLOUDTRAIL_EVENTS}. */
  public static final String CLOUDTRAIL_SOURCE = "cloudtrail-events-source";
  /** Source of {@value Topics#GUARDDUTY_FINDINGS}. */
  public static final String GUARDDUTY_SOURCE = "guardduty-findings-source";
  /** Source of {@value Topics#REVOKE_RESULTS}. */
  public static final String RESULTS_SOURCE = "revoke-results-source";
  /** Source of {@value Topics#ALERT_DELIVERY_EVENTS}. */
  public static final String DELIVERY_SOURCE = "alert-delivery-events-source";
  /** Input gate of delivery events. */
  public static final String DELIVERY_GATE = "alert-delivery-events-gate";
  /** Delivery events in the topology's form ({@link DeliveryEvent#of}). */
  public static final String DELIVERY_READ = "alert-delivery-events-read";
  /**
   * Split of delivery events by correlation (branch names: this prefix plus {@value #ACCOUNT_SCOPED} or
   * {@value #REQUEST_SCOPED}); events without a correlation id (storm reports, digests) are dropped.
   */
  public static final String DELIVERY_SPLIT = "delivery-scope-";
  /** Re-key of account-correlation delivery events by account id. */
  public static final String DELIVERY_REKEY = "account-delivery-events-rekey";
  /** Repartition topic of account-correlation delivery events by account id. */
  public static final String DELIVERY_REPARTITION = "account-delivery-events";
  /** Wrapping of delivery events as stage B input. */
  public static final String ACCOUNT_DELIVERY_INPUT = "account-input-delivery";
  /** Timeline entries of request-correlation delivery events (unchained, for stage C). */
  public static final String DELIVERY_TIMELINE = "delivery-timeline";
  /** Merge of delivery timeline entries with the stages' entries. */
  public static final String TIMELINE_MERGE_DELIVERY = "timeline-merge-delivery";
  /** Input gate of gateway events. */
  public static final String GATEWAY_GATE = "gateway-events-gate";
  /** Input gate of CloudTrail records. */
  public static final String CLOUDTRAIL_GATE = "cloudtrail-events-gate";
  /** Input gate of GuardDuty findings. */
  public static final String GUARDDUTY_GATE = "guardduty-findings-gate";
  /** Input gate of revoke results. */
  public static final String RESULTS_GATE = "revoke-results-gate";
  /** Split of gateway events by scope (branch names are this prefix plus a branch suffix). */
  public static final String GATEWAY_SPLIT = "gateway-scope-";
  /** Branch suffix of request-scoped gateway events. */
  public static final String REQUEST_SCOPED = "request";
  /** Branch suffix of account-scoped gateway events. */
  public static final String ACCOUNT_SCOPED = "account";
  /** Re-key of account-scoped gateway events by account id. */
  public static final String ACCOUNT_GATEWAY_REKEY = "account-gateway-events-rekey";
  /** Repartition topic of account-scoped gateway events ({@code <application.id>-<name>-repartition}). */
  public static final String ACCOUNT_GATEWAY_REPARTITION = "account-gateway-events";
  /** Re-key of revoke results by request id. */
  public static final String RESULTS_REKEY = "revoke-results-rekey";
  /** Repartition topic of revoke results by request id. */
  public static final String RESULTS_REPARTITION = "revoke-results-by-request";
  /**
   * Split of revoke results by correlation (branch names: this prefix plus {@value #ACCOUNT_SCOPED} for
   * results of no request with an {@code account:<id>} correlation, else {@value #REQUEST_SCOPED}).
   */
  public static final String RESULTS_SPLIT = "revoke-results-scope-";
  /** Re-key of account-correlation revoke results by account id. */
  public static final String ACCOUNT_RESULTS_REKEY = "account-revoke-results-rekey";
  /** Repartition topic of account-correlation revoke results by account id. */
  public static final String ACCOUNT_RESULTS_REPARTITION = "account-revoke-results";
  /** Wrapping of account-correlation revoke results as stage B input (timeline entries of the account chain). */
  public static final String ACCOUNT_RESULT_INPUT = "account-input-result";
  /** Wrapping of request-scoped gateway events as stage A input. */
  public static final String REQUEST_GATEWAY_INPUT = "request-input-gateway";
  /** Wrapping of revoke results as stage A input. */
  public static final String REQUEST_RESULT_INPUT = "request-input-result";
  /** Merge of stage A inputs. */
  public static final String REQUEST_INPUTS = "request-inputs";
  /** Stage A processor. */
  public static final String REQUEST_CORRELATOR = "request-correlator";
  /** Split of stage A output (branch names: this prefix plus a branch suffix). */
  public static final String REQUEST_OUTPUT = "request-output-";
  /** Unwrapping of grant facts. */
  public static final String GRANT_FACTS_UNWRAP = "grant-facts-unwrap";
  /** Repartition topic of grant facts by account id. */
  public static final String GRANT_FACTS_REPARTITION = "grant-facts";
  /** Wrapping of CloudTrail records as stage B input. */
  public static final String ACCOUNT_CLOUDTRAIL_INPUT = "account-input-cloudtrail";
  /** Wrapping of GuardDuty findings as stage B input. */
  public static final String ACCOUNT_GUARDDUTY_INPUT = "account-input-guardduty";
  /** Wrapping of account-scoped gateway events as stage B input. */
  public static final String ACCOUNT_GATEWAY_INPUT = "account-input-gateway";
  /** Wrapping of grant facts as stage B input. */
  public static final String ACCOUNT_FACT_INPUT = "account-input-grant-fact";
  /** Merges of stage B inputs (suffixed -1 to -6). */
  public static final String ACCOUNT_INPUTS = "account-inputs";
  /** Stage B processor. */
  public static final String ACCOUNT_CORRELATOR = "account-correlator";
  /** Split of stage B output. */
  public static final String ACCOUNT_OUTPUT = "account-output-";
  /** Branch suffix of timeline emissions. */
  public static final String TIMELINE_BRANCH = "timeline";
  /** Branch suffix of stage B's timeline entries chained already (account correlations). */
  public static final String CHAINED_BRANCH = "timeline-chained";
  /** Unwrapping of stage B's chained timeline entries. */
  public static final String CHAINED_UNWRAP = "account-timeline-unwrap";
  /** Sink of stage B's chained timeline entries into {@value Topics#TIMELINE}. */
  public static final String CHAINED_SINK = "account-timeline-sink";
  /** Branch suffix of alert emissions. */
  public static final String ALERTS_BRANCH = "alerts";
  /** Branch suffix of revoke command emissions. */
  public static final String REVOKES_BRANCH = "revokes";
  /** Branch suffix of grant fact emissions. */
  public static final String FACTS_BRANCH = "grant-facts";
  /** Branch of stage A's lifecycle facts. */
  public static final String LIFECYCLE_BRANCH = "lifecycle-facts";
  /** Unwrapping of lifecycle facts. */
  public static final String LIFECYCLE_FACTS_UNWRAP = "lifecycle-facts-unwrap";
  /** Repartition topic of lifecycle facts by account id. */
  public static final String LIFECYCLE_FACTS_REPARTITION = "request-lifecycle-facts";
  /** Stage B input: lifecycle facts. */
  public static final String ACCOUNT_LIFECYCLE_INPUT = "account-input-lifecycle";
  /** Branch suffix of stage A's requests for the subject stage. */
  public static final String SUBJECT_BRANCH = "subject-requests";
  /** Unwrapping of requests for the subject stage. */
  public static final String SUBJECT_UNWRAP = "subject-requests-unwrap";
  /** Repartition topic of requests by normalized subject. */
  public static final String SUBJECT_REPARTITION = "requests-by-subject";
  /** Subject stage processor. */
  public static final String SUBJECT_CORRELATOR = "subject-correlator";
  /** Split of the subject stage's output (branch names: this prefix plus a branch suffix). */
  public static final String SUBJECT_OUTPUT = "subject-output-";
  /** Merge of the subject stage's timeline entries with the other stages'. */
  public static final String TIMELINE_MERGE_SUBJECT = "timeline-merge-subject";
  /** Merge of the subject stage's alerts with the other stages'. */
  public static final String ALERTS_MERGE_SUBJECT = "alerts-merge-subject";
  /** Merge of both stages' timeline entries. */
  public static final String TIMELINE_MERGE = "timeline-merge";
  /** Unwrapping of timeline entries. */
  public static final String TIMELINE_UNWRAP = "timeline-unwrap";
  /** Repartition topic of timeline entries by correlation id. */
  public static final String TIMELINE_REPARTITION = "timeline-by-correlation";
  /** Stage C processor. */
  public static final String TIMELINE_CHAINER = "timeline-chainer";
  /** Sink of {@value Topics#TIMELINE}. */
  public static final String TIMELINE_SINK = "timeline-sink";
  /** Merge of both stages' alerts. */
  public static final String ALERTS_MERGE = "alerts-merge";
  /** Unwrapping of alerts. */
  public static final String ALERTS_UNWRAP = "alerts-unwrap";
  /** Sink of {@value Topics#ALERTS}. */
  public static final String ALERTS_SINK = "alerts-sink";
  /** Unwrapping of stage A's revoke commands. */
  public static final String REQUEST_REVOKES_UNWRAP = "request-revokes-unwrap";
  /** Re-key of stage A's revoke commands by the account of their assignment. */
  public static final String REQUEST_REVOKES_REKEY = "request-revokes-rekey";
  /** Repartition topic of stage A's revoke commands by account id, into stage B. */
  public static final String REQUEST_REVOKES_REPARTITION = "revoke-orders-by-account";
  /** Stage B input: stage A's revoke commands. */
  public static final String ACCOUNT_REVOKE_INPUT = "account-input-revoke";
  /** Unwrapping of revoke commands. */
  public static final String REVOKES_UNWRAP = "revoke-commands-unwrap";
  /** Sink of {@value Topics#REVOKE_COMMANDS}. */
  public static final String REVOKES_SINK = "revoke-commands-sink";
  /** Branch suffix of stage B's alert resolutions. */
  public static final String RESOLUTIONS_BRANCH = "resolutions";
  /** Unwrapping of alert resolutions. */
  public static final String RESOLUTIONS_UNWRAP = "alert-resolutions-unwrap";
  /** Sink of {@value Topics#ALERT_RESOLUTIONS}. */
  public static final String RESOLUTIONS_SINK = "alert-resolutions-sink";

  private GlasswatchTopology() {}

  /**
   * Builds the topology.
   *
   * @param settings application settings (policy and topic prefix are taken from them)
   * @param serdes value serdes of the Avro topics: {@link AvroSerdes#registry(String)} in production,
   *     {@link AvroSerdes#embedded()} in replay and tests
   * @return a topology reading {@value Topics#GATEWAY_EVENTS}, {@value Topics#CLOUDTRAIL_EVENTS},
   *     {@value Topics#GUARDDUTY_FINDINGS}, {@value Topics#REVOKE_RESULTS}, {@value Topics#ALERT_DELIVERY_EVENTS} and writing
   *     {@value Topics#ALERTS}, {@value Topics#ALERT_RESOLUTIONS}, {@value Topics#REVOKE_COMMANDS},
   *     {@value Topics#TIMELINE} (and, through
   *     the error handlers, {@value Topics#DEAD_LETTER}), each name prefixed by {@link StreamsSettings#topicPrefix()}
   */
  public static Topology build(StreamsSettings settings, AvroSerdes serdes) {
    return build(settings, serdes, IdentityCenterNames.NONE);
  }

  /**
   * Builds the topology as {@link #build(StreamsSettings, AvroSerdes)}, with stage B attributing AWS sessions
   * to grants with the IAM Identity Center names {@code names} looks up (live; replay uses
   * {@link IdentityCenterNames#NONE} and the policy's static names, so it makes no AWS call).
   */
  public static Topology build(StreamsSettings settings, AvroSerdes serdes, IdentityCenterNames names) {
    StreamsBuilder builder = new StreamsBuilder();
    Serde<String> keys = serdes.key();
    Serde<GatewayEvent> gatewaySerde = serdes.value(GatewayEvent.class);
    Serde<CloudTrailEvent> cloudTrailSerde = serdes.value(CloudTrailEvent.class);
    Serde<GuardDutyFinding> guardDutySerde = serdes.value(GuardDutyFinding.class);
    Serde<RevokeResult> resultSerde = serdes.value(RevokeResult.class);
    Serde<TimelineEntry> timelineSerde = serdes.value(TimelineEntry.class);
    EventTimeExtractor eventTime = new EventTimeExtractor();

    // inputs
    KStream<String, GatewayEvent> gateway = builder
        .stream(settings.topic(Topics.GATEWAY_EVENTS), Consumed.with(keys, gatewaySerde).withTimestampExtractor(eventTime)
            .withName(GATEWAY_SOURCE))
        .processValues(InputGate.passingMarks(InputValidation::gateway), Named.as(GATEWAY_GATE));
    Map<String, KStream<String, GatewayEvent>> byScope = gateway.split(Named.as(GATEWAY_SPLIT))
        .branch((k, e) -> e != null && InputValidation.ACCOUNT_TYPES.contains(e.getType()), Branched.as(ACCOUNT_SCOPED))
        .defaultBranch(Branched.as(REQUEST_SCOPED));
    KStream<String, GatewayEvent> accountGateway = byScope.get(GATEWAY_SPLIT + ACCOUNT_SCOPED)
        .selectKey((k, e) -> e.getAccountId(), Named.as(ACCOUNT_GATEWAY_REKEY))
        .repartition(Repartitioned.<String, GatewayEvent>as(ACCOUNT_GATEWAY_REPARTITION)
            .withKeySerde(keys).withValueSerde(gatewaySerde));
    Map<String, KStream<String, RevokeResult>> resultScope = builder
        .stream(settings.topic(Topics.REVOKE_RESULTS), Consumed.with(keys, resultSerde).withTimestampExtractor(eventTime)
            .withName(RESULTS_SOURCE))
        .processValues(InputGate.supplier(InputValidation::revokeResult), Named.as(RESULTS_GATE))
        .split(Named.as(RESULTS_SPLIT))
        .branch((k, r) -> r.getRequestId() == null && r.getCorrelationId() != null
            && r.getCorrelationId().startsWith(TimelineDraft.ACCOUNT_PREFIX)
            && r.getCorrelationId().length() > TimelineDraft.ACCOUNT_PREFIX.length(), Branched.as(ACCOUNT_SCOPED))
        .defaultBranch(Branched.as(REQUEST_SCOPED));
    // an account correlation's timeline is chained by stage B: its results are filed there, not by stage A
    KStream<String, RevokeResult> accountResults = resultScope.get(RESULTS_SPLIT + ACCOUNT_SCOPED)
        .selectKey((k, r) -> r.getCorrelationId().substring(TimelineDraft.ACCOUNT_PREFIX.length()),
            Named.as(ACCOUNT_RESULTS_REKEY))
        .repartition(Repartitioned.<String, RevokeResult>as(ACCOUNT_RESULTS_REPARTITION)
            .withKeySerde(keys).withValueSerde(resultSerde));
    KStream<String, RevokeResult> results = resultScope.get(RESULTS_SPLIT + REQUEST_SCOPED)
        .selectKey((k, r) -> r.getRequestId() != null ? r.getRequestId() : r.getCorrelationId(), Named.as(RESULTS_REKEY))
        .repartition(Repartitioned.<String, RevokeResult>as(RESULTS_REPARTITION)
            .withKeySerde(keys).withValueSerde(resultSerde));
    KStream<String, CloudTrailEvent> cloudTrail = builder
        .stream(settings.topic(Topics.CLOUDTRAIL_EVENTS), Consumed.with(keys, cloudTrailSerde).withTimestampExtractor(eventTime)
            .withName(CLOUDTRAIL_SOURCE))
        .processValues(InputGate.supplier(InputValidation::cloudTrail), Named.as(CLOUDTRAIL_GATE));
    KStream<String, GuardDutyFinding> guardDuty = builder
        .stream(settings.topic(Topics.GUARDDUTY_FINDINGS), Consumed.with(keys, guardDutySerde).withTimestampExtractor(eventTime)
            .withName(GUARDDUTY_SOURCE))
        .processValues(InputGate.supplier(InputValidation::guardDuty), Named.as(GUARDDUTY_GATE));
    KStream<String, DeliveryEvent> deliveries = builder
        .stream(settings.topic(Topics.ALERT_DELIVERY_EVENTS), Consumed.with(keys, serdes.value(AlertDeliveryEvent.class))
            .withTimestampExtractor(GlasswatchTopology::deliveryTime).withName(DELIVERY_SOURCE))
        .processValues(InputGate.<AlertDeliveryEvent>supplier((k, e) -> {
          String problem = DeliveryEvent.of(e).problem(k);
          if (problem != null) {
            throw new InvalidInputException(problem);
          }
        }), Named.as(DELIVERY_GATE))
        .mapValues(DeliveryEvent::of, Named.as(DELIVERY_READ));
    Map<String, KStream<String, DeliveryEvent>> deliveryScope = deliveries.split(Named.as(DELIVERY_SPLIT))
        .branch((k, e) -> e.isAccountCorrelation(), Branched.as(ACCOUNT_SCOPED))
        .branch((k, e) -> e.hasCorrelation(), Branched.as(REQUEST_SCOPED))
        .noDefaultBranch();
    KStream<String, DeliveryEvent> accountDeliveries = deliveryScope.get(DELIVERY_SPLIT + ACCOUNT_SCOPED)
        .selectKey((k, e) -> e.correlationAccount(), Named.as(DELIVERY_REKEY))
        .repartition(Repartitioned.<String, DeliveryEvent>as(DELIVERY_REPARTITION)
            .withKeySerde(keys).withValueSerde(new JsonSerde<>(DeliveryEvent.class)));

    // stage A
    KStream<String, RequestInput> requestInputs = byScope.get(GATEWAY_SPLIT + REQUEST_SCOPED)
        .processValues(GatewayInput::new, Named.as(REQUEST_GATEWAY_INPUT))
        .merge(results.mapValues(RequestInput.Result::new, Named.as(REQUEST_RESULT_INPUT)), Named.as(REQUEST_INPUTS));
    Map<String, KStream<String, Emission>> a = split(
        requestInputs.process(RequestCorrelator.supplier(settings.policy()), Named.as(REQUEST_CORRELATOR)),
        REQUEST_OUTPUT, true);
    KStream<String, GrantFact> facts = a.get(REQUEST_OUTPUT + FACTS_BRANCH)
        .mapValues(Emission::fact, Named.as(GRANT_FACTS_UNWRAP))
        .repartition(Repartitioned.<String, GrantFact>as(GRANT_FACTS_REPARTITION)
            .withKeySerde(keys).withValueSerde(new JsonSerde<>(GrantFact.class))
            .withStreamPartitioner(GlasswatchTopology::factPartitions));
    KStream<String, LifecycleFact> lifecycle = a.get(REQUEST_OUTPUT + LIFECYCLE_BRANCH)
        .mapValues(Emission::lifecycle, Named.as(LIFECYCLE_FACTS_UNWRAP))
        .repartition(Repartitioned.<String, LifecycleFact>as(LIFECYCLE_FACTS_REPARTITION)
            .withKeySerde(keys).withValueSerde(new JsonSerde<>(LifecycleFact.class)));

    Serde<RevokeCommand> commandSerde = serdes.value(RevokeCommand.class);
    KStream<String, RevokeOrder> requestRevokes = a.get(REQUEST_OUTPUT + REVOKES_BRANCH)
        .mapValues(Emission::order, Named.as(REQUEST_REVOKES_UNWRAP))
        .selectKey((k, o) -> o.getCommand().getAssignment() != null ? o.getCommand().getAssignment().getAccountId()
            : o.getCommand().getCorrelationId(), Named.as(REQUEST_REVOKES_REKEY))
        .repartition(Repartitioned.<String, RevokeOrder>as(REQUEST_REVOKES_REPARTITION)
            .withKeySerde(keys).withValueSerde(serdes.value(RevokeOrder.class)));

    // subject stage
    Map<String, KStream<String, Emission>> subject = a.get(REQUEST_OUTPUT + SUBJECT_BRANCH)
        .mapValues(Emission::requester, Named.as(SUBJECT_UNWRAP))
        .repartition(Repartitioned.<String, SubjectRequest>as(SUBJECT_REPARTITION)
            .withKeySerde(keys).withValueSerde(new JsonSerde<>(SubjectRequest.class)))
        .process(SubjectCorrelator.supplier(settings.policy()), Named.as(SUBJECT_CORRELATOR))
        .split(Named.as(SUBJECT_OUTPUT))
        .branch((k, e) -> e instanceof Emission.Timeline, Branched.as(TIMELINE_BRANCH))
        .branch((k, e) -> e instanceof Emission.Raised, Branched.as(ALERTS_BRANCH))
        .noDefaultBranch();

    // stage B
    KStream<String, AccountInput> accountInputs = cloudTrail
        .<AccountInput>mapValues(AccountInput.CloudTrail::new, Named.as(ACCOUNT_CLOUDTRAIL_INPUT))
        .merge(guardDuty.mapValues(AccountInput.GuardDuty::new, Named.as(ACCOUNT_GUARDDUTY_INPUT)),
            Named.as(ACCOUNT_INPUTS + "-1"))
        .merge(accountGateway.mapValues(AccountInput.Gateway::new, Named.as(ACCOUNT_GATEWAY_INPUT)),
            Named.as(ACCOUNT_INPUTS + "-2"))
        .merge(facts.mapValues(AccountInput.Fact::new, Named.as(ACCOUNT_FACT_INPUT)), Named.as(ACCOUNT_INPUTS + "-3"))
        .merge(lifecycle.mapValues(AccountInput.Lifecycle::new, Named.as(ACCOUNT_LIFECYCLE_INPUT)),
            Named.as(ACCOUNT_INPUTS + "-4"))
        .merge(requestRevokes.mapValues(AccountInput.Revoke::of, Named.as(ACCOUNT_REVOKE_INPUT)),
            Named.as(ACCOUNT_INPUTS + "-5"))
        .merge(accountDeliveries.mapValues(d -> new AccountInput.Delivery(d.draft(), d.correlationId()),
            Named.as(ACCOUNT_DELIVERY_INPUT)),
            Named.as(ACCOUNT_INPUTS + "-6"))
        .merge(accountResults.<AccountInput>mapValues(r -> new AccountInput.Delivery(TimelineDrafts.revokeResult(r),
            r.getCorrelationId()), Named.as(ACCOUNT_RESULT_INPUT)), Named.as(ACCOUNT_INPUTS + "-7"));
    Map<String, KStream<String, Emission>> b = split(
        accountInputs.process(AccountCorrelator.supplier(settings.policy(), settings.wallClockDeadlines(),
            settings.sweeper(), names),
            Named.as(ACCOUNT_CORRELATOR)),
        ACCOUNT_OUTPUT, false);

    // outputs
    a.get(REQUEST_OUTPUT + ALERTS_BRANCH)
        .merge(b.get(ACCOUNT_OUTPUT + ALERTS_BRANCH), Named.as(ALERTS_MERGE))
        .merge(subject.get(SUBJECT_OUTPUT + ALERTS_BRANCH), Named.as(ALERTS_MERGE_SUBJECT))
        .mapValues(Emission::alert, Named.as(ALERTS_UNWRAP))
        .to(settings.topic(Topics.ALERTS), Produced.with(keys, serdes.value(Alert.class)).withName(ALERTS_SINK));
    b.get(ACCOUNT_OUTPUT + REVOKES_BRANCH)
        .mapValues(Emission::revoke, Named.as(REVOKES_UNWRAP))
        .to(settings.topic(Topics.REVOKE_COMMANDS), Produced.with(keys, commandSerde).withName(REVOKES_SINK));
    b.get(ACCOUNT_OUTPUT + RESOLUTIONS_BRANCH)
        .mapValues(Emission::resolution, Named.as(RESOLUTIONS_UNWRAP))
        .to(settings.topic(Topics.ALERT_RESOLUTIONS), Produced.with(keys, serdes.value(AlertResolution.class))
            .withName(RESOLUTIONS_SINK));
    b.get(ACCOUNT_OUTPUT + CHAINED_BRANCH)
        .mapValues(Emission::chained, Named.as(CHAINED_UNWRAP))
        .to(settings.topic(Topics.TIMELINE), Produced.with(keys, timelineSerde).withName(CHAINED_SINK));
    a.get(REQUEST_OUTPUT + TIMELINE_BRANCH)
        .merge(b.get(ACCOUNT_OUTPUT + TIMELINE_BRANCH), Named.as(TIMELINE_MERGE))
        .merge(subject.get(SUBJECT_OUTPUT + TIMELINE_BRANCH), Named.as(TIMELINE_MERGE_SUBJECT))
        .merge(deliveryScope.get(DELIVERY_SPLIT + REQUEST_SCOPED)
            .<Emission>mapValues(e -> new Emission.Timeline(e.entry()), Named.as(DELIVERY_TIMELINE)),
            Named.as(TIMELINE_MERGE_DELIVERY))
        .mapValues(Emission::timeline, Named.as(TIMELINE_UNWRAP))
        .repartition(Repartitioned.<String, TimelineEntry>as(TIMELINE_REPARTITION)
            .withKeySerde(keys).withValueSerde(timelineSerde))
        .process(TimelineChainer.supplier(), Named.as(TIMELINE_CHAINER))
        .to(settings.topic(Topics.TIMELINE), Produced.with(keys, timelineSerde).withName(TIMELINE_SINK));
    return builder.build();
  }

  /**
   * Event time of a delivery event: the event time of the alert delivered ({@code eventTime}), else the
   * partition time. The delivery's own wall-clock time is in its timeline entry but never moves stream
   * time: these records share a task with stages A and B, whose deadlines run on it.
   */
  private static long deliveryTime(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof AlertDeliveryEvent d && d.getEventTime() != null) {
      return d.getEventTime().toEpochMilli();
    }
    return Math.max(partitionTime, 0);
  }

  /**
   * Partitions of {@value #GRANT_FACTS_REPARTITION}: a progress mark goes to every partition (each stage B
   * task must hear every gateway partition's progress), a grant fact by its key (account id), as the default
   * partitioner does.
   */
  static Optional<Set<Integer>> factPartitions(String topic, String key, GrantFact fact, int partitions) {
    if (fact == null || !fact.isProgressMark()) {
      return Optional.empty();
    }
    return Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toUnmodifiableSet()));
  }

  private static Map<String, KStream<String, Emission>> split(KStream<String, Emission> out, String prefix,
      boolean withFacts) {
    var branches = out.split(Named.as(prefix))
        .branch((k, e) -> e instanceof Emission.Timeline, Branched.as(TIMELINE_BRANCH));
    if (!withFacts) {
      branches = branches.branch((k, e) -> e instanceof Emission.Chained, Branched.as(CHAINED_BRANCH));
    }
    branches = branches
        .branch((k, e) -> e instanceof Emission.Raised, Branched.as(ALERTS_BRANCH))
        .branch((k, e) -> e instanceof Emission.Revoke, Branched.as(REVOKES_BRANCH));
    if (withFacts) {
      branches = branches.branch((k, e) -> e instanceof Emission.Fact, Branched.as(FACTS_BRANCH))
          .branch((k, e) -> e instanceof Emission.Lifecycle, Branched.as(LIFECYCLE_BRANCH))
          .branch((k, e) -> e instanceof Emission.Requester, Branched.as(SUBJECT_BRANCH));
    } else {
      branches = branches.branch((k, e) -> e instanceof Emission.Resolved, Branched.as(RESOLUTIONS_BRANCH));
    }
    return branches.noDefaultBranch();
  }
}
