package io.glasswatch.schema;

import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The topic catalogue: every Kafka topic Glasswatch reads or writes, with its value type.
 *
 * <p>Keys are UTF-8 strings everywhere: the request id for gateway events, the AWS account id for
 * CloudTrail records and GuardDuty findings, the correlation id for alerts and timeline entries,
 * the command id for revoke commands and results. The dead-letter topic keeps the raw input bytes
 * as its value, with headers that say where they came from and why they were rejected (see
 * {@link DeadLetterHeaders}).
 */
public final class Topics {
  /** Normalized authorization-gateway events ({@link GatewayEvent}), keyed by request id (or account id). */
  public static final String GATEWAY_EVENTS = "gateway-events";
  /** Normalized CloudTrail records ({@link CloudTrailEvent}), keyed by account id. */
  public static final String CLOUDTRAIL_EVENTS = "cloudtrail-events";
  /** Normalized GuardDuty findings ({@link GuardDutyFinding}), keyed by account id. */
  public static final String GUARDDUTY_FINDINGS = "guardduty-findings";
  /** Detected violations ({@link Alert}), keyed by correlation id. */
  public static final String ALERTS = "alerts";
  /**
   * Decisions that an alert no longer stands ({@link AlertResolution}), keyed by the alert's
   * correlation id: written by the rule that raised the alert, delivered by the on-call dispatcher.
   */
  public static final String ALERT_RESOLUTIONS = "alert-resolutions";
  /** Orders to remove an account assignment ({@link RevokeCommand}), keyed by command id. */
  public static final String REVOKE_COMMANDS = "revoke-commands";
  /** Outcomes of revoke commands ({@link RevokeResult}), keyed by command id. */
  public static final String REVOKE_RESULTS = "revoke-results";
  /**
   * Orders to end the sessions already issued for a grant ({@link ContainCommand}), keyed by command id:
   * written by operators and tools ({@code glasswatch revoke}); the containment service also derives
   * commands itself from confirmed revokes and from the alerts that contain.
   */
  public static final String CONTAIN_COMMANDS = "contain-commands";
  /**
   * Outcomes of contain commands and of their clean-ups ({@link ContainResult}), keyed by command id and
   * {@code <commandId>/cleanup}; compacted: the containment service rebuilds its executed commands and
   * pending clean-ups from it at start-up.
   */
  public static final String CONTAIN_RESULTS = "contain-results";
  /** Hash-chained timeline entries ({@link TimelineEntry}), keyed by correlation id. */
  public static final String TIMELINE = "timeline";
  /** Rejected input: raw bytes plus {@link DeadLetterHeaders}. */
  public static final String DEAD_LETTER = "dead-letter";
  /**
   * On-call delivery attempts and outcomes ({@link AlertDeliveryEvent}), keyed by correlation id, written
   * by the alerts service's on-call dispatcher and read back by the streams application as timeline
   * entries. Created with the input topics' partition count.
   */
  public static final String ALERT_DELIVERY_EVENTS = "alert-delivery-events";
  /** Compacted log of delivered alerts, key {@code <alertId>|<channel>}: each alert is delivered once per channel. */
  public static final String ALERT_DELIVERIES = "alert-deliveries";

  /**
   * Compacted log of the live ingest checkpoints (string key, JSON value): one key per poller
   * ({@code cloudtrail:<account>:<region>}, {@code guardduty:<account>:<region>}), per CloudTrail log
   * file read ({@code cloudtrail-log:<path>}) and per tailed file ({@code tail:<path>}); the last value
   * of a key is the checkpoint. Created (compacted) by the ingest service.
   */
  public static final String INGEST_CHECKPOINTS = "ingest-checkpoints";

  /**
   * Header of a clock tick: a record with a null value and this header set to {@code true}, sent to
   * every partition of an input topic, only advances stream time (to the record's timestamp) so that
   * deadlines are evaluated on partitions that receive nothing else.
   */
  public static final String CLOCK_TICK_HEADER = "glasswatch.clock-tick";

  /**
   * Header of the end-of-input tick of a replay: a clock tick (null value, {@value #CLOCK_TICK_HEADER}
   * {@code true}) that also carries this header set to {@code true} and has the record timestamp
   * {@link #END_OF_INPUT_TIME}. It says that no later input can arrive. Input gates drop it like every
   * tick, so the stream processors recognise it by the stream time it brings, {@link #END_OF_INPUT_TIME};
   * the header names the record for people and tools reading the topic. Never sent live.
   */
  public static final String END_OF_INPUT_HEADER = "glasswatch.end-of-input";

  /**
   * Record timestamp of the end-of-input tick, epoch milliseconds: 9999-12-31T23:59:59.999Z, later than
   * any event time Glasswatch accepts. Stream time at or past it means end of input: a processor then
   * decides every pending decision that only waited for late input (decision delay, late approvals) at the
   * last stream time before it, and leaves the deadlines after that time open.
   */
  public static final long END_OF_INPUT_TIME = 253_402_300_799_999L;

  private static final Map<String, Class<? extends SpecificRecord>> VALUE_TYPES = Map.ofEntries(
      Map.entry(GATEWAY_EVENTS, GatewayEvent.class),
      Map.entry(CLOUDTRAIL_EVENTS, CloudTrailEvent.class),
      Map.entry(GUARDDUTY_FINDINGS, GuardDutyFinding.class),
      Map.entry(ALERTS, Alert.class),
      Map.entry(ALERT_RESOLUTIONS, AlertResolution.class),
      Map.entry(REVOKE_COMMANDS, RevokeCommand.class),
      Map.entry(REVOKE_RESULTS, RevokeResult.class),
      Map.entry(CONTAIN_COMMANDS, ContainCommand.class),
      Map.entry(CONTAIN_RESULTS, ContainResult.class),
      Map.entry(TIMELINE, TimelineEntry.class),
      Map.entry(ALERT_DELIVERY_EVENTS, AlertDeliveryEvent.class));

  private Topics() {}

  /** Every topic name, inputs first, the dead-letter topic last. */
  public static List<String> all() {
    return List.of(GATEWAY_EVENTS, CLOUDTRAIL_EVENTS, GUARDDUTY_FINDINGS, ALERTS, ALERT_RESOLUTIONS, REVOKE_COMMANDS,
        REVOKE_RESULTS, TIMELINE, ALERT_DELIVERY_EVENTS, CONTAIN_COMMANDS, CONTAIN_RESULTS, DEAD_LETTER);
  }

  /** The Avro value type of each Avro topic (every topic but {@link #DEAD_LETTER}). */
  public static Map<String, Class<? extends SpecificRecord>> valueTypes() {
    return VALUE_TYPES;
  }
}
