package io.glasswatch.streams.delivery;

import io.glasswatch.schema.AlertDeliveryEvent;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.timeline.Details;
import io.glasswatch.streams.timeline.Ecs;
import io.glasswatch.streams.timeline.TimelineDraft;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One record of the {@code alert-delivery-events} topic ({@link AlertDeliveryEvent}, the Avro
 * contract in {@code schemas}), written by the alerts service's on-call dispatcher: one per delivery
 * attempt ({@code type} {@code attempt}) and one per final outcome ({@code type} {@code outcome}) of
 * a notice to a channel. Key: the correlation id. This record is its form inside the topology
 * ({@link #of}); it also travels, as JSON, through the account repartition of delivery events.
 *
 * <p>The class depends on nothing of the topology's other packages (input, correlation): the
 * topology turns {@link #problem} into its input error and {@link #entry()} into its emission.
 *
 * <p>Rule: every such record becomes one timeline entry of its correlation's hash chain
 * ({@link #draft()}): kind {@value #KIND}, action {@value #ACTION_ATTEMPT}, {@value #ACTION_DELIVERED},
 * {@value #ACTION_FAILED} or {@value #ACTION_SKIPPED}, entry id
 * {@code delivery:<notice key>:<channel>:attempt-<n>} or {@code delivery:<notice key>:<channel>:outcome}.
 * The record carries no secret (the dispatcher never writes webhook URLs, routing keys or passwords);
 * a URL that still shows up in {@code detail} is masked all the same.
 *
 * @param type {@code attempt} or {@code outcome}
 * @param key notice key: the alert id, {@code resolved:<alertId>}, or a digest key
 * @param channel channel name ({@code pagerduty}, {@code slack}, ...), {@code -} when no channel was routed
 * @param kind notice kind ({@code ALERT}, {@code RESOLVE}, {@code DIGEST}, ...)
 * @param alertId alert id or null
 * @param alertType alert type or null
 * @param correlationId correlation id of the alert: a request id or {@code account:<accountId>}
 * @param requestId request id or null
 * @param accountId AWS account id or null
 * @param attempt attempt number from 1 ({@code attempt}); attempts made ({@code outcome})
 * @param outcome {@code success}, {@code failure} or {@code skipped}
 * @param detail one line, e.g. {@code HTTP 202} or {@code HTTP 503}
 * @param millis duration of the attempt, milliseconds
 * @param at when it happened, ISO-8601 instant (wall clock of the alerts service)
 * @param eventTime event time of the alert, epoch milliseconds; the record's time in the topology, so
 *     that delivery events never move stream time past the events the pipeline has seen; null for
 *     notices without an alert (enforcement, resolution): then the partition time, never the wall clock
 */
public record DeliveryEvent(
    String type,
    String key,
    String channel,
    String kind,
    String alertId,
    String alertType,
    String correlationId,
    String requestId,
    String accountId,
    int attempt,
    String outcome,
    String detail,
    long millis,
    String at,
    Long eventTime) {

  /** Timeline kind of delivery entries. */
  public static final String KIND = "delivery";
  /** Action of one attempt. */
  public static final String ACTION_ATTEMPT = "delivery_attempt";
  /** Action of a delivered outcome. */
  public static final String ACTION_DELIVERED = "delivered";
  /** Action of a failed outcome (given up). */
  public static final String ACTION_FAILED = "delivery_failed";
  /** Action of a notice routed to no channel (quiet hours, empty route). */
  public static final String ACTION_SKIPPED = "delivery_skipped";

  private static final Set<String> TYPES = Set.of("attempt", "outcome");
  private static final Set<String> OUTCOMES = Set.of("success", "failure", "skipped");
  private static final Pattern URL = Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*://\\S+");

  /**
   * The topology's form of an {@link AlertDeliveryEvent}.
   *
   * @param e the Avro record
   * @return the same fields; {@code at} as an ISO-8601 instant, {@code eventTime} in epoch milliseconds or null
   */
  public static DeliveryEvent of(AlertDeliveryEvent e) {
    return new DeliveryEvent(e.getType(), e.getKey(), e.getChannel(), e.getKind(), e.getAlertId(), e.getAlertType(),
        e.getCorrelationId(), e.getRequestId(), e.getAccountId(), e.getAttempt(), e.getOutcome(), e.getDetail(),
        e.getMillis(), e.getAt() == null ? null : e.getAt().toString(),
        e.getEventTime() == null ? null : e.getEventTime().toEpochMilli());
  }

  /**
   * Input check, for the topology's input gate.
   *
   * <p>A record without {@code correlationId} (storm reports and digests, which span many
   * correlations) is valid; it belongs to no chain and the topology drops it after this check.
   *
   * @param recordKey the record key
   * @return null when valid; else what is wrong: {@code type}, {@code key}, {@code channel} or
   *     {@code at} missing or malformed, an unknown outcome, or a record key that is not the correlation id
   */
  public String problem(String recordKey) {
    if (type == null || !TYPES.contains(type)) {
      return "delivery event type must be attempt or outcome, got " + type;
    }
    if (blank(key) || blank(channel)) {
      return "delivery event without notice key or channel";
    }
    if (outcome == null || !OUTCOMES.contains(outcome)) {
      return "delivery event outcome must be success, failure or skipped, got " + outcome;
    }
    try {
      Instant.parse(at == null ? "" : at);
    } catch (DateTimeParseException x) {
      return "delivery event time is not an ISO-8601 instant: " + at;
    }
    if (correlationId == null) {
      return null;
    }
    if (correlationId.isBlank() || !correlationId.equals(recordKey)) {
      return "record key " + recordKey + " is not its correlationId " + correlationId;
    }
    if (isAccountCorrelation() && correlationId.length() == TimelineDraft.ACCOUNT_PREFIX.length()) {
      return "account correlation without account id";
    }
    return null;
  }

  /** Whether it names a correlation (storm reports and digests do not). */
  public boolean hasCorrelation() {
    return correlationId != null;
  }

  /** Whether the correlation is an account's ({@code account:<id>}), chained by stage B. */
  public boolean isAccountCorrelation() {
    return correlationId != null && correlationId.startsWith(TimelineDraft.ACCOUNT_PREFIX);
  }

  /** The account id of an account correlation ({@code account:<id>} → {@code <id>}). */
  public String correlationAccount() {
    return correlationId.substring(TimelineDraft.ACCOUNT_PREFIX.length());
  }

  /** Deterministic entry id: {@code delivery:<key>:<channel>:attempt-<n>} or {@code ...:outcome}. */
  public String entryId() {
    return "delivery:" + key + ":" + channel + ":" + ("attempt".equals(type) ? "attempt-" + attempt : "outcome");
  }

  /** The timeline entry of this event, before chaining (see class Javadoc). */
  public TimelineDraft draft() {
    boolean isAttempt = "attempt".equals(type);
    String action = isAttempt ? ACTION_ATTEMPT
        : switch (outcome) {
          case "success" -> ACTION_DELIVERED;
          case "failure" -> ACTION_FAILED;
          default -> ACTION_SKIPPED;
        };
    String ecsOutcome = switch (outcome) {
      case "success" -> Ecs.SUCCESS;
      case "failure" -> Ecs.FAILURE;
      default -> Ecs.UNKNOWN;
    };
    String safeDetail = detail == null ? null : URL.matcher(detail).replaceAll("<url>");
    String what = (kind == null ? "notice" : kind.toLowerCase(Locale.ROOT)) + " " + key;
    String message = switch (action) {
      case ACTION_ATTEMPT -> String.format(Locale.ROOT, "Delivery attempt %d of %s to %s: %s%s (%d ms)", attempt,
          what, channel, outcome, safeDetail == null ? "" : ", " + safeDetail, millis);
      case ACTION_DELIVERED -> String.format(Locale.ROOT, "%s delivered to %s after %d attempt%s", what, channel,
          attempt, attempt == 1 ? "" : "s");
      case ACTION_FAILED -> String.format(Locale.ROOT, "%s not delivered to %s after %d attempt%s: %s", what, channel,
          attempt, attempt == 1 ? "" : "s", safeDetail);
      default -> String.format(Locale.ROOT, "%s routed to no channel: %s", what, safeDetail);
    };
    String details = Details.create().put("channel", channel).put("noticeKey", key).put("noticeKind", kind)
        .put("attempt", attempt).put("millis", isAttempt ? millis : null).put("detail", safeDetail).toJson();
    return new TimelineDraft(entryId(), Instant.parse(at).toEpochMilli(), accountId, "glasswatch", KIND, action,
        ecsOutcome, null, null, null, Character.toUpperCase(message.charAt(0)) + message.substring(1), null, alertId,
        alertType, null, null, details);
  }

  /** The unchained timeline entry for stage C (request correlations). */
  public TimelineEntry entry() {
    return draft().toEntry(correlationId, requestId);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
