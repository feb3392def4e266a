package io.glasswatch.alerts.oncall;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.schema.Alert;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The JSON object of an alert, as defined in SPEC section 3: the shape on-call receivers see.
 *
 * <p>Fields, in this order: {@code alertId}, {@code alertType}, {@code severity} (lower case:
 * critical, high, medium, low), {@code correlationId}, {@code requestId}, {@code accountId} and
 * {@code subject} (each {@code null} when unknown), {@code evidence} (array of input event ids),
 * {@code detectedAt} and {@code eventTime} (ISO-8601 UTC, e.g. {@code 2024-05-01T10:15:30.120Z};
 * whole seconds are written without a fraction), {@code summary}, {@code runbook}, {@code actions}
 * (array of {@code page}, {@code notify}, {@code revoke}) and {@code revokedRequestIds} (array of
 * request ids whose grants the alert revokes). The output is compact (no whitespace) and stable:
 * the same alert always gives the same bytes, which is what the webhook signs.
 */
public final class AlertJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AlertJson() {}

  /**
   * The alert as a JSON object tree.
   *
   * @param alert the alert; its required fields must be non-null (as the Avro schema guarantees)
   * @return a new mutable object node in the field order of the class Javadoc
   */
  public static ObjectNode toNode(Alert alert) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("alertId", alert.getAlertId());
    n.put("alertType", alert.getAlertType());
    n.put("severity", alert.getSeverity());
    n.put("correlationId", alert.getCorrelationId());
    n.put("requestId", alert.getRequestId());
    n.put("accountId", alert.getAccountId());
    n.put("subject", alert.getSubject());
    n.set("evidence", array(alert.getEvidence()));
    n.put("detectedAt", iso(alert.getDetectedAt()));
    n.put("eventTime", iso(alert.getEventTime()));
    n.put("summary", alert.getSummary());
    n.put("runbook", alert.getRunbook());
    n.set("actions", array(alert.getActions()));
    n.set("revokedRequestIds", array(alert.getRevokedRequestIds()));
    return n;
  }

  /**
   * The alert as one line of compact JSON (no trailing newline).
   *
   * @param alert the alert
   * @return the JSON text
   */
  public static String toJson(Alert alert) {
    try {
      return MAPPER.writeValueAsString(toNode(alert));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write alert " + alert.getAlertId() + " as JSON", e);
    }
  }

  /**
   * The UTF-8 bytes of {@link #toJson(Alert)}: the exact webhook request body.
   *
   * @param alert the alert
   * @return UTF-8 JSON bytes
   */
  public static byte[] toJsonBytes(Alert alert) {
    return toJson(alert).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Formats an instant as ISO-8601 UTC ({@link DateTimeFormatter#ISO_INSTANT}).
   *
   * @param instant the instant, or null
   * @return e.g. {@code 2024-05-01T10:15:30Z}, or null for null
   */
  public static String iso(Instant instant) {
    return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant);
  }

  private static ArrayNode array(List<String> values) {
    ArrayNode a = MAPPER.createArrayNode();
    if (values != null) {
      values.forEach(a::add);
    }
    return a;
  }
}
