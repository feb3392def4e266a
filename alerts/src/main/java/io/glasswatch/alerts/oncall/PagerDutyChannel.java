package io.glasswatch.alerts.oncall;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.schema.Alert;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Pages through the PagerDuty Events API v2
 * (developer.pagerduty.com/docs/events-api-v2/trigger-events/ and .../resolve-events/).
 *
 * <p>Alerts, digests and storm reports become {@code trigger} events: {@code POST <url>}
 * (default {@code https://events.pagerduty.com/v2/enqueue}) with
 * {@code {"routing_key", "event_action": "trigger", "dedup_key": "glasswatch-<notice key>",
 * "client": "Glasswatch", "client_url"?, "payload": {"summary" (at most 1024 characters), "source":
 * "glasswatch", "severity", "timestamp" (ISO-8601), "component" (account id), "group" (request id),
 * "class" (alert type), "custom_details": {alertId, alertType, correlationId, requestId, accountId,
 * subject, evidence, evidenceCount, runbook, timeline, grouped alert ids for digests}}, "links":
 * [{"href", "text"}]}}. A resolution becomes {@code {"routing_key", "event_action": "resolve",
 * "dedup_key": "glasswatch-<alertId>"}} with the dedup key of the alert it resolves. Severity
 * mapping: critical → {@code critical}, high → {@code error}, medium → {@code warning}, low and
 * info → {@code info}. PagerDuty answers 202 on success, 400 on an invalid event (permanent), 429
 * and 5xx (retried). Enforcement notices are not paged. The routing key is a secret: it travels
 * only in the request body and never in logs, errors or the timeline.
 */
public final class PagerDutyChannel implements NoticeChannel {
  /** The channel name used in delivery keys and routing rules. */
  public static final String NAME = "pagerduty";
  /** The Events API v2 endpoint. */
  public static final URI DEFAULT_URL = URI.create("https://events.pagerduty.com/v2/enqueue");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Where and how to page.
   *
   * @param url Events API v2 enqueue endpoint
   * @param routingKey the integration's 32-character routing key (secret; masked in {@link #toString()})
   * @param retry retry bounds
   */
  public record Options(URI url, String routingKey, HttpPoster.Retry retry) {
    /** Validates: http(s) URL, non-blank routing key. */
    public Options {
      if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
        throw new IllegalArgumentException("alerts.pagerduty.url: expected an http:// or https:// URL");
      }
      if (routingKey == null || routingKey.isBlank()) {
        throw new IllegalArgumentException("alerts.pagerduty.routing-key: required");
      }
      Objects.requireNonNull(retry, "retry");
    }

    @Override
    public String toString() {
      return "PagerDutyChannel.Options{url=" + HttpPoster.redact(url) + ", routingKey=****, retry=" + retry + "}";
    }
  }

  private final Options options;
  private final HttpPoster poster;

  /**
   * A channel.
   *
   * @param options endpoint, routing key and retry bounds
   */
  public PagerDutyChannel(Options options) {
    this.options = options;
    this.poster = new HttpPoster(NAME, options.url(), options.retry());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean supports(Notice.Kind kind) {
    return kind != Notice.Kind.ENFORCEMENT;
  }

  @Override
  public int deliver(Notice notice, AttemptListener attempts) throws DeliveryException {
    byte[] body = event(notice, options.routingKey()).toString().getBytes(StandardCharsets.UTF_8);
    return poster.post(dedupKey(notice), body, Map.of(), attempts);
  }

  /**
   * The PagerDuty {@code dedup_key} of a notice: the same for an alert's trigger and its resolve.
   *
   * @param notice the notice
   * @return {@code glasswatch-<alertId>} for alerts and resolutions, {@code glasswatch-<notice key>}
   *     otherwise (at most 255 characters)
   */
  public static String dedupKey(Notice notice) {
    String base = notice.kind() == Notice.Kind.RESOLVED || notice.kind() == Notice.Kind.ALERT ? notice.alertId() : notice.key();
    String k = "glasswatch-" + base;
    return k.length() > 255 ? k.substring(0, 255) : k;
  }

  /**
   * The Events API v2 event of a notice (class Javadoc).
   *
   * @param notice the notice
   * @param routingKey the routing key
   * @return the JSON event
   */
  public static ObjectNode event(Notice notice, String routingKey) {
    ObjectNode e = JSON.createObjectNode();
    e.put("routing_key", routingKey);
    e.put("dedup_key", dedupKey(notice));
    if (notice.kind() == Notice.Kind.RESOLVED) {
      e.put("event_action", "resolve");
      return e;
    }
    e.put("event_action", "trigger");
    e.put("client", "Glasswatch");
    if (notice.timelineUrl() != null) {
      e.put("client_url", notice.timelineUrl());
    }
    ObjectNode p = e.putObject("payload");
    String summary = notice.title() + ": " + notice.summary();
    p.put("summary", summary.length() > 1024 ? summary.substring(0, 1023) + "…" : summary);
    p.put("source", "glasswatch");
    p.put("severity", severity(notice.severity()));
    p.put("timestamp", AlertJson.iso(notice.at()));
    if (notice.accountId() != null) {
      p.put("component", notice.accountId());
    }
    if (notice.requestId() != null) {
      p.put("group", notice.requestId());
    }
    if (notice.alertType() != null) {
      p.put("class", notice.alertType());
    }
    ObjectNode d = p.putObject("custom_details");
    d.put("alertId", notice.alertId());
    d.put("alertType", notice.alertType());
    d.put("correlationId", notice.correlationId());
    d.put("requestId", notice.requestId());
    d.put("accountId", notice.accountId());
    d.put("subject", notice.subject());
    ArrayNode ev = d.putArray("evidence");
    notice.evidence().forEach(ev::add);
    d.put("evidenceCount", notice.evidence().size());
    d.put("runbook", notice.runbookUrl());
    d.put("timeline", notice.timelineUrl());
    if (!notice.grouped().isEmpty()) {
      ArrayNode g = d.putArray("groupedAlertIds");
      notice.grouped().stream().map(Alert::getAlertId).forEach(g::add);
      d.put("groupedCount", notice.grouped().size());
    }
    ArrayNode links = e.putArray("links");
    if (notice.timelineUrl() != null) {
      links.addObject().put("href", notice.timelineUrl()).put("text", "Timeline in Kibana");
    }
    if (notice.runbookUrl() != null) {
      links.addObject().put("href", notice.runbookUrl()).put("text", "Runbook");
    }
    return e;
  }

  /**
   * Maps a Glasswatch severity to an Events API v2 severity.
   *
   * @param severity critical, high, medium, low or info
   * @return critical, error, warning or info
   */
  public static String severity(String severity) {
    return switch (severity) {
      case "critical" -> "critical";
      case "high" -> "error";
      case "medium" -> "warning";
      default -> "info";
    };
  }

  @Override
  public void close() {
    poster.close();
  }

  @Override
  public String toString() {
    return "PagerDutyChannel{" + options + "}";
  }
}
