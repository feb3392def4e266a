package io.glasswatch.alerts.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.alerts.testing.HttpReceiver;
import io.glasswatch.alerts.testing.TestAlerts;
import io.glasswatch.schema.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The HTTP channels against real local receivers: each payload checked field by field against the
 * channel's documented format, and the retry paths (500 then 200, 429 with Retry-After, a receiver
 * that never answers).
 */
class OnCallChannelsTest {
  private static final Links LINKS = new Links(
      "http://kibana.example:5601/app/discover#/?q=glasswatch.correlation_id:{correlationId}", "https://git.example/glasswatch/blob/main/");
  private static final String ROUTING_KEY = "R0UT1NGKEY0000000000000000000000";
  private static final HttpPoster.Retry FAST = new HttpPoster.Retry(Duration.ofSeconds(2), Duration.ofMillis(500),
      Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(5));

  private static Notice alertNotice() {
    Alert a = TestAlerts.rootUse("a1b2c3");
    a.setRunbook("docs/runbooks.md#unauthorized-root-use");
    return Notice.of(a, LINKS);
  }

  @Test
  void pagerDutyTriggerCarriesTheEventsV2FieldsEvidenceAndLinks() throws Exception {
    try (HttpReceiver pd = HttpReceiver.json(202, "{\"status\":\"success\",\"message\":\"Event processed\"}");
        PagerDutyChannel ch = new PagerDutyChannel(new PagerDutyChannel.Options(pd.url("/v2/enqueue"), ROUTING_KEY, FAST))) {
      assertThat(ch.deliver(alertNotice(), NoticeChannel.AttemptListener.NONE)).isEqualTo(1);
      HttpReceiver.Received r = pd.received().getFirst();
      assertThat(r.path()).isEqualTo("/v2/enqueue");
      JsonNode e = r.json();
      assertThat(e.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
      assertThat(e.get("event_action").asText()).isEqualTo("trigger");
      assertThat(e.get("dedup_key").asText()).isEqualTo("glasswatch-a1b2c3");
      JsonNode p = e.get("payload");
      assertThat(p.get("summary").asText()).startsWith("UNAUTHORIZED_ROOT_USE (critical): Root user activity");
      assertThat(p.get("summary").asText().length()).isLessThanOrEqualTo(1024);
      assertThat(p.get("source").asText()).isEqualTo("glasswatch");
      assertThat(p.get("severity").asText()).isIn("critical", "error", "warning", "info").isEqualTo("critical");
      assertThat(Instant.parse(p.get("timestamp").asText())).isEqualTo(Instant.parse("2024-05-01T10:20:30.120Z"));
      assertThat(p.get("component").asText()).isEqualTo("123456789012");
      assertThat(p.get("class").asText()).isEqualTo("UNAUTHORIZED_ROOT_USE");
      JsonNode d = p.get("custom_details");
      assertThat(d.get("evidence")).extracting(JsonNode::asText).containsExactly("ct-1", "ct-2", "gd-1");
      assertThat(d.get("evidenceCount").asInt()).isEqualTo(3);
      assertThat(e.get("links")).hasSize(2);
      assertThat(e.get("links").get(0).get("href").asText())
          .isEqualTo("http://kibana.example:5601/app/discover#/?q=glasswatch.correlation_id:account%3A123456789012");
      assertThat(e.get("links").get(1).get("href").asText())
          .isEqualTo("https://git.example/glasswatch/blob/main/docs/runbooks.md#unauthorized-root-use");
      assertThat(e.get("links").get(0).get("text").asText()).isNotBlank();
    }
  }

  @Test
  void pagerDutyResolveUsesTheDedupKeyOfTheAlertAndMapsSeverities() throws Exception {
    Notice resolve = new Notice(Notice.Kind.RESOLVED, "resolve:a1b2c3", "Resolved: ROTATION_OVERDUE", "rotated", "info",
        "ROTATION_OVERDUE", "a1b2c3", "account:1", null, "1", null, List.of(), null, null, Instant.now(), List.of(), null, null);
    JsonNode e = PagerDutyChannel.event(resolve, ROUTING_KEY);
    assertThat(e.get("event_action").asText()).isEqualTo("resolve");
    assertThat(e.get("dedup_key").asText()).isEqualTo(PagerDutyChannel.dedupKey(alertNotice()));
    assertThat(e.has("payload")).isFalse();
    assertThat(List.of("critical", "high", "medium", "low").stream().map(PagerDutyChannel::severity))
        .containsExactly("critical", "error", "warning", "info");
    assertThat(new PagerDutyChannel(new PagerDutyChannel.Options(PagerDutyChannel.DEFAULT_URL, ROUTING_KEY, FAST))
        .supports(Notice.Kind.ENFORCEMENT)).isFalse();
  }

  @Test
  void slackMessageIsBlockKitWithSummaryFieldsAndLinkButtons() throws Exception {
    try (HttpReceiver slack = HttpReceiver.json(200, "ok");
        SlackChannel ch = new SlackChannel(new ChatWebhook(slack.url("/services/T000/B000/XXXX"), FAST))) {
      ch.deliver(alertNotice(), NoticeChannel.AttemptListener.NONE);
      JsonNode m = slack.received().getFirst().json();
      assertThat(m.get("text").asText()).contains("UNAUTHORIZED_ROOT_USE");
      JsonNode blocks = m.get("blocks");
      assertThat(blocks.size()).isBetween(1, 50);
      List<String> types = new ArrayList<>();
      blocks.forEach(b -> types.add(b.get("type").asText()));
      assertThat(types).containsExactly("header", "section", "section", "actions", "context");
      assertThat(blocks.get(0).get("text").get("type").asText()).isEqualTo("plain_text");
      assertThat(blocks.get(0).get("text").get("text").asText().length()).isLessThanOrEqualTo(150);
      assertThat(blocks.get(1).get("text").get("type").asText()).isEqualTo("mrkdwn");
      assertThat(blocks.get(1).get("text").get("text").asText()).contains("Root user activity");
      JsonNode fields = blocks.get(2).get("fields");
      assertThat(fields.size()).isLessThanOrEqualTo(10);
      List<String> texts = new ArrayList<>();
      fields.forEach(f -> {
        assertThat(f.get("type").asText()).isEqualTo("mrkdwn");
        texts.add(f.get("text").asText());
      });
      assertThat(texts).containsExactly("*Account*\n123456789012", "*Subject*\nroot", "*Request*\n-", "*Evidence*\n3");
      JsonNode buttons = blocks.get(3).get("elements");
      assertThat(buttons).hasSize(2);
      buttons.forEach(b -> {
        assertThat(b.get("type").asText()).isEqualTo("button");
        assertThat(b.get("text").get("type").asText()).isEqualTo("plain_text");
        assertThat(b.get("url").asText()).startsWith("http");
        assertThat(b.get("action_id").asText()).isNotBlank();
      });
    }
  }

  @Test
  void mattermostMessageHasAnAttachmentWithFieldsAndLinks() throws Exception {
    try (HttpReceiver mm = HttpReceiver.json(200, "ok");
        MattermostChannel ch = new MattermostChannel(new ChatWebhook(mm.url("/hooks/abc123"), FAST))) {
      ch.deliver(alertNotice(), NoticeChannel.AttemptListener.NONE);
      JsonNode m = mm.received().getFirst().json();
      JsonNode a = m.get("attachments").get(0);
      assertThat(a.get("fallback").asText()).contains("Root user activity");
      assertThat(a.get("color").asText()).matches("#[0-9A-F]{6}");
      assertThat(a.get("title").asText()).isEqualTo("[CRITICAL] UNAUTHORIZED_ROOT_USE");
      assertThat(a.get("title_link").asText()).startsWith("http://kibana.example:5601/");
      assertThat(a.get("text").asText()).contains("Root user activity");
      List<String> titles = new ArrayList<>();
      a.get("fields").forEach(f -> {
        assertThat(f.has("short")).isTrue();
        titles.add(f.get("title").asText() + "=" + f.get("value").asText());
      });
      assertThat(titles).startsWith("Account=123456789012", "Subject=root", "Request=-", "Evidence=3");
      assertThat(titles.getLast()).contains("[Runbook](https://git.example/glasswatch/blob/main/docs/runbooks.md#unauthorized-root-use)");
    }
  }

  @Test
  void enforcementNoticeReadsAccessRevokedInSeconds() {
    Notice n = new Notice(Notice.Kind.ENFORCEMENT, "revoke:c1", "Access revoked in 1.2 s", "Access revoked in 1.2 s for request r1.",
        "info", "REVOKE_CONFIRMED", "a1", "r1", "r1", "123456789012", null, List.of(), null, null, Instant.now(), List.of(), null, null);
    assertThat(SlackChannel.message(n).get("blocks").get(0).get("text").get("text").asText()).isEqualTo("Access revoked in 1.2 s");
    assertThat(MattermostChannel.message(n).get("attachments").get(0).get("color").asText()).isEqualTo("#2EB67D");
  }

  @Test
  void retriesAServerErrorThenSucceedsWithTheSameIdempotencyKey() throws Exception {
    try (HttpReceiver r = HttpReceiver.json(200, "ok").then(500, Map.of()).then(503, Map.of());
        SlackChannel ch = new SlackChannel(new ChatWebhook(r.url("/hook"), FAST))) {
      List<String> attempts = new ArrayList<>();
      assertThat(ch.deliver(alertNotice(), (n, o, d, ms) -> attempts.add(n + " " + o + " " + d))).isEqualTo(3);
      assertThat(attempts).containsExactly("1 failure HTTP 500: error 500", "2 failure HTTP 503: error 503", "3 success HTTP 200");
      assertThat(r.received()).extracting(HttpReceiver.Received::idempotencyKey).containsOnly("a1b2c3");
    }
  }

  @Test
  void honoursRetryAfterOnTooManyRequests() throws Exception {
    try (HttpReceiver r = HttpReceiver.json(202, "{}").then(429, Map.of("Retry-After", "1"));
        PagerDutyChannel ch = new PagerDutyChannel(new PagerDutyChannel.Options(r.url("/v2/enqueue"), ROUTING_KEY, FAST))) {
      assertThat(ch.deliver(alertNotice(), NoticeChannel.AttemptListener.NONE)).isEqualTo(2);
      long gap = r.received().get(1).atNanos() - r.received().get(0).atNanos();
      assertThat(TimeUnit.NANOSECONDS.toMillis(gap)).isGreaterThanOrEqualTo(950);
    }
  }

  @Test
  void givesUpOnAReceiverThatNeverAnswersWithoutRevealingTheUrlOrKey() throws Exception {
    HttpPoster.Retry shortGiveUp = new HttpPoster.Retry(Duration.ofSeconds(1), Duration.ofMillis(300),
        Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(1200));
    try (HttpReceiver r = HttpReceiver.json(200, "ok").hangAlways();
        MattermostChannel ch = new MattermostChannel(new ChatWebhook(r.url("/hooks/SECRET-TOKEN-42"), shortGiveUp))) {
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> ch.deliver(alertNotice(), NoticeChannel.AttemptListener.NONE))
          .isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.permanent()).isFalse();
            assertThat(e.attempts()).isGreaterThanOrEqualTo(2);
            assertThat(e.getMessage()).contains("timed out").contains("gave up").doesNotContain("SECRET-TOKEN-42");
          });
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(3000);
      assertThat(ch.toString()).doesNotContain("SECRET-TOKEN-42");
    }
  }

  @Test
  void aClientErrorIsPermanentAndNotRetried() throws Exception {
    try (HttpReceiver r = HttpReceiver.json(200, "ok").then(400, Map.of());
        PagerDutyChannel ch = new PagerDutyChannel(new PagerDutyChannel.Options(r.url("/v2/enqueue"), ROUTING_KEY, FAST))) {
      assertThatThrownBy(() -> ch.deliver(alertNotice(), NoticeChannel.AttemptListener.NONE))
          .isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.permanent()).isTrue();
            assertThat(e.lastStatus()).isEqualTo(400);
            assertThat(e.getMessage()).doesNotContain(ROUTING_KEY);
          });
      assertThat(r.received()).hasSize(1);
      assertThat(ch.toString()).doesNotContain(ROUTING_KEY);
    }
  }
}
