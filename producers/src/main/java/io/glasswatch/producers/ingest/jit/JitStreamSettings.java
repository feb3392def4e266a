package io.glasswatch.producers.ingest.jit;

import io.glasswatch.config.GlasswatchSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of the live {@code jit_audit} stream reader ({@link JitAuditStreamReader}), read from the
 * settings file or from {@code GLASSWATCH_} + the key upper-cased:
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #STREAM_ARN}</td><td>empty (off)</td><td>the {@code jit_audit} table's stream ARN
 *       (stream view type NEW_IMAGE or NEW_AND_OLD_IMAGES); its region is the reader's region</td></tr>
 *   <tr><td>{@value #REQUESTS_TABLE}</td><td>{@code jit_requests}</td><td>table read for a GRANTED
 *       item's end time and principal; {@code -} for none</td></tr>
 *   <tr><td>{@value #POLL_INTERVAL}</td><td>{@code PT5S}</td><td>pause between polls</td></tr>
 *   <tr><td>{@value #ENDPOINT}</td><td>empty (AWS)</td><td>endpoint override (DynamoDB and DynamoDB Streams)</td></tr>
 * </table>
 *
 * @param streamArn the stream ARN, or null when the reader is off
 * @param requestsTable the jit_requests table, or null for no enrichment
 * @param pollInterval pause between polls
 * @param endpoint endpoint override, or null
 */
public record JitStreamSettings(String streamArn, String requestsTable, Duration pollInterval, URI endpoint) {
  /** The stream ARN. */
  public static final String STREAM_ARN = "sources.jit-controller.stream-arn";
  /** The jit_requests table. */
  public static final String REQUESTS_TABLE = "sources.jit-controller.requests-table";
  /** Pause between polls. */
  public static final String POLL_INTERVAL = "sources.jit-controller.poll-interval";
  /** Endpoint override. */
  public static final String ENDPOINT = "sources.jit-controller.endpoint";

  /**
   * Reads the keys.
   *
   * @throws IllegalArgumentException naming an invalid key
   */
  public static JitStreamSettings from(GlasswatchSettings s, Map<String, String> env) {
    String arn = value(s, env, STREAM_ARN);
    if (arn != null && !arn.matches("arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\\d{12}:table/[^/]+/stream/.+")) {
      throw new IllegalArgumentException(STREAM_ARN + ": expected a DynamoDB stream ARN"
          + " (arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>), got " + arn);
    }
    String table = value(s, env, REQUESTS_TABLE);
    table = table == null ? "jit_requests" : "-".equals(table) ? null : table;
    String interval = value(s, env, POLL_INTERVAL);
    Duration d;
    try {
      d = interval == null ? Duration.ofSeconds(5) : Duration.parse(interval);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(POLL_INTERVAL + ": expected an ISO-8601 duration such as PT5S, got " + interval);
    }
    String endpoint = value(s, env, ENDPOINT);
    return new JitStreamSettings(arn, table, d, endpoint == null ? null : URI.create(endpoint));
  }

  /** Whether the reader is configured. */
  public boolean enabled() {
    return streamArn != null;
  }

  /** The stream's region (the ARN's fourth field). */
  public String region() {
    return streamArn.split(":")[3];
  }

  private static String value(GlasswatchSettings s, Map<String, String> env, String key) {
    if (s != null && s.isSet(key)) {
      return s.get(key).trim();
    }
    String v = env == null ? null : env.get(GlasswatchSettings.envName(key));
    return v == null || v.isBlank() ? null : v.trim();
  }
}
