package io.glasswatch.sinks.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.schema.TimelineEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimelineDocumentsTest {

  @SuppressWarnings("unchecked")
  private static Map<String, Object> obj(Map<String, Object> doc, String field) {
    return (Map<String, Object>) doc.get(field);
  }

  @Test
  void mapsEveryFieldOfAnAlertEntryToEcsAndGlasswatchFields() {
    TimelineEntry e = TimelineEntries.fullAlert();
    Map<String, Object> doc = TimelineDocuments.toDocument(e);

    assertThat(doc.get("@timestamp")).isEqualTo("2025-03-01T10:15:30.000Z");
    assertThat(doc.get("message")).isEqualTo("alice used an expired break-glass grant on 123456789012");
    assertThat(obj(doc, "ecs")).containsEntry("version", TimelineDocuments.ECS_VERSION);
    assertThat(obj(doc, "event")).containsExactlyInAnyOrderEntriesOf(Map.of(
        "id", "alert:0f3c9a",
        "kind", "alert",
        "action", "USAGE_AFTER_EXPIRY",
        "provider", "glasswatch",
        "outcome", "success",
        "module", "glasswatch",
        "dataset", "glasswatch.timeline",
        "severity", 73L));
    assertThat(obj(doc, "cloud")).containsEntry("provider", "aws")
        .containsEntry("account", Map.of("id", "123456789012"));
    assertThat(obj(doc, "user")).isEqualTo(Map.of("name", "alice@example.com"));
    assertThat(obj(doc, "source")).isEqualTo(Map.of("ip", "203.0.113.7", "address", "203.0.113.7"));
    assertThat(obj(doc, "user_agent")).isEqualTo(Map.of("original", "Mozilla/5.0 (X11; Linux x86_64)"));
    assertThat(obj(doc, "rule")).isEqualTo(Map.of("name", "USAGE_AFTER_EXPIRY"));

    Map<String, Object> gw = obj(doc, "glasswatch");
    assertThat(gw).containsEntry("entry_id", "alert:0f3c9a")
        .containsEntry("correlation_id", "req-42")
        .containsEntry("request_id", "req-42")
        .containsEntry("kind", "alert")
        .containsEntry("sequence", 4L)
        .containsEntry("prev_hash", "a".repeat(64))
        .containsEntry("hash", e.getHash())
        .containsEntry("event_id", "req-42/usage/3")
        .containsEntry("alert_id", "0f3c9a")
        .containsEntry("alert_type", "USAGE_AFTER_EXPIRY")
        .containsEntry("severity", "high")
        .containsEntry("token_fingerprint", e.getTokenFingerprint())
        .containsEntry("details", Map.of("resource", "arn:aws:s3:::payroll", "expiresAt", "2025-03-01T10:00:00Z"))
        .containsEntry("outcome", "success")
        .containsEntry("details_json", e.getDetails())
        .doesNotContainKey("details_redacted");
    assertThat(doc.keySet()).containsExactly("@timestamp", "ecs", "message", "event", "cloud", "user", "source",
        "user_agent", "rule", "glasswatch");
    assertThat(gw.keySet()).hasSize(15);
  }

  @Test
  void omitsAbsentOptionalFieldsInsteadOfWritingNulls() {
    TimelineEntry e = TimelineEntry.newBuilder()
        .setEntryId("cloudtrail:ev-1").setTimestamp(Instant.parse("2025-01-31T23:59:59.999Z"))
        .setCorrelationId("account:123456789012").setSource("cloudtrail").setKind("event")
        .setAction("ConsoleLogin").setMessage("root signed in").build();
    Map<String, Object> doc = TimelineDocuments.toDocument(e);

    assertThat(doc).doesNotContainKeys("user", "source", "user_agent", "rule");
    assertThat(obj(doc, "event")).doesNotContainKeys("outcome", "severity");
    assertThat(obj(doc, "cloud")).isEqualTo(Map.of("provider", "aws"));
    assertThat(obj(doc, "glasswatch")).containsOnlyKeys("entry_id", "correlation_id", "kind", "sequence");
    assertThat(new String(TimelineDocuments.toJson(doc), StandardCharsets.UTF_8)).doesNotContain("null");
  }

  @ParameterizedTest
  @ValueSource(strings = {"AWS Internal", "cloudtrail.amazonaws.com", "256.1.1.1", "10.0.0", "fe80::1%eth0", ":::",
      "1.2.3.4.5", "", "gg::1"})
  void dropsASourceIpThatIsNotAnIpAddressButKeepsItAsSourceAddress(String value) {
    TimelineEntry e = TimelineEntries.fullAlert();
    e.setSourceIp(value);
    Map<String, Object> doc = TimelineDocuments.toDocument(e);
    if (value.isEmpty()) {
      assertThat(doc).doesNotContainKey("source");
    } else {
      assertThat(obj(doc, "source")).isEqualTo(Map.of("address", value));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.0.2.1", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::1", "::ffff:192.0.2.1"})
  void keepsIpv4AndIpv6LiteralsInSourceIp(String value) {
    TimelineEntry e = TimelineEntries.fullAlert();
    e.setSourceIp(value);
    assertThat(obj(TimelineDocuments.toDocument(e), "source")).containsEntry("ip", value);
  }

  @Test
  void writesTimestampsAsIsoUtcWithMilliseconds() {
    assertThat(TimelineDocuments.formatTimestamp(Instant.parse("2025-03-01T10:15:30Z")))
        .isEqualTo("2025-03-01T10:15:30.000Z");
    assertThat(TimelineDocuments.formatTimestamp(Instant.ofEpochMilli(1_700_000_000_123L)))
        .isEqualTo("2023-11-14T22:13:20.123Z");
    assertThat(Instant.parse(TimelineDocuments.formatTimestamp(Instant.ofEpochMilli(86_399_999L))))
        .isEqualTo(Instant.ofEpochMilli(86_399_999L));
  }

  @ParameterizedTest
  @CsvSource({
      "2025-03-01T00:00:00Z, glasswatch-timeline-2025.03",
      "2025-03-31T23:59:59.999Z, glasswatch-timeline-2025.03",
      "2025-04-01T00:00:00Z, glasswatch-timeline-2025.04",
      "2024-12-31T23:59:59.999Z, glasswatch-timeline-2024.12",
      "1999-01-15T12:00:00Z, glasswatch-timeline-1999.01"})
  void choosesTheMonthlyIndexOfTheTimestampInUtc(String at, String index) {
    assertThat(TimelineDocuments.indexName("glasswatch-timeline", Instant.parse(at))).isEqualTo(index);
  }

  @ParameterizedTest
  @CsvSource({"event, event", "alert, alert", "state, state", "enforcement, event", "ENFORCEMENT, event",
      "something, event"})
  void mapsGlasswatchKindsToEcsAllowedKindsAndKeepsTheOwnValue(String kind, String ecs) {
    TimelineEntry e = TimelineEntries.fullAlert();
    e.setKind(kind);
    Map<String, Object> doc = TimelineDocuments.toDocument(e);
    assertThat(obj(doc, "event")).containsEntry("kind", ecs);
    assertThat(obj(doc, "glasswatch")).containsEntry("kind", kind);
  }

  @ParameterizedTest
  @CsvSource({"success, success", "allow, success", "SUCCEEDED, success", "failure, failure", "deny, failure",
      "failed, failure", "unknown, unknown", "pending, unknown"})
  void mapsOutcomesToEcsAllowedValues(String outcome, String ecs) {
    assertThat(TimelineDocuments.ecsOutcome(outcome)).isEqualTo(ecs);
  }

  @ParameterizedTest
  @CsvSource({"low, 21", "medium, 47", "high, 73", "critical, 99", "CRITICAL, 99"})
  void mapsAlertSeverityToANumericEventSeverity(String severity, long score) {
    TimelineEntry e = TimelineEntries.fullAlert();
    e.setSeverity(severity);
    assertThat(obj(TimelineDocuments.toDocument(e), "event")).containsEntry("severity", score);
  }

  @Test
  void leavesEventSeverityOutForUnknownSeveritiesAndNonAlerts() {
    TimelineEntry unknown = TimelineEntries.fullAlert();
    unknown.setSeverity("urgent");
    assertThat(obj(TimelineDocuments.toDocument(unknown), "event")).doesNotContainKey("severity");
    TimelineEntry enforcement = TimelineEntries.fullAlert();
    enforcement.setKind("enforcement");
    assertThat(obj(TimelineDocuments.toDocument(enforcement), "event")).doesNotContainKey("severity");
    assertThat(obj(TimelineDocuments.toDocument(enforcement), "glasswatch")).containsEntry("severity", "high");
  }

  @Test
  void keepsDetailsThatAreNotAJsonObjectAsText() {
    TimelineEntry e = TimelineEntries.fullAlert();
    e.setDetails("not json {");
    assertThat(obj(TimelineDocuments.toDocument(e), "glasswatch")).containsEntry("details", Map.of("value", "not json {"));
    e.setDetails("[1,2]");
    assertThat(obj(TimelineDocuments.toDocument(e), "glasswatch")).containsEntry("details", Map.of("value", "[1,2]"));
  }

  @Test
  void neverWritesSecretsFromDetailsOrTheRawToken() throws Exception {
    TimelineEntry e = TimelineEntries.fullAlert();
    e.setDetails("{\"tokenId\":\"tok-secret-123\",\"nested\":{\"client_secret\":\"s3cr3t\",\"Password\":\"hunter2\","
        + "\"list\":[{\"token\":\"tok-secret-123\"}]},\"sessionToken\":\"FQoG\",\"keep\":\"visible\"}");
    byte[] json = TimelineDocuments.toJson(TimelineDocuments.toDocument(e));
    String text = new String(json, StandardCharsets.UTF_8);

    assertThat(text).doesNotContain("tok-secret-123", "s3cr3t", "hunter2", "FQoG").contains("visible");
    assertThat(text).contains(e.getTokenFingerprint());
    Map<?, ?> parsed = new ObjectMapper().readValue(json, Map.class);
    assertThat(((Map<?, ?>) ((Map<?, ?>) parsed.get("glasswatch")).get("details")).get("tokenId"))
        .isEqualTo(TimelineDocuments.REDACTED);
  }

  @Test
  void refusesAnEntryWithoutItsRequiredFields() {
    TimelineEntry e = TimelineEntries.fullAlert();
    e.setMessage(null);
    assertThatThrownBy(() -> TimelineDocuments.toDocument(e)).isInstanceOf(NullPointerException.class)
        .hasMessage("message");
  }

  @Test
  void writesDocumentsAsJsonWithNestedObjects() throws Exception {
    byte[] json = TimelineDocuments.toJson(TimelineDocuments.toDocument(TimelineEntries.fullAlert()));
    Map<?, ?> parsed = new ObjectMapper().readValue(json, Map.class);
    assertThat(((Map<?, ?>) ((Map<?, ?>) parsed.get("cloud")).get("account")).get("id")).isEqualTo("123456789012");
    assertThat(((Map<?, ?>) parsed.get("glasswatch")).get("sequence")).isEqualTo(4);
  }
}
