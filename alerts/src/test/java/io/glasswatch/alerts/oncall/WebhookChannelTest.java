package io.glasswatch.alerts.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.glasswatch.alerts.oncall.WebhookSignature.Verdict;
import io.glasswatch.alerts.testing.LogCapture;
import io.glasswatch.alerts.testing.TestAlerts;
import io.glasswatch.alerts.testing.HttpReceiver;
import io.glasswatch.alerts.testing.HttpReceiver.Received;
import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookChannelTest {
  private static final String SECRET = "s3cr3t-hmac-key-do-not-log";
  private HttpReceiver receiver;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = HttpReceiver.signed(SECRET, "/hooks/oncall");
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  private static HttpPoster.Retry retry(Duration request, Duration giveUp) {
    return new HttpPoster.Retry(Duration.ofSeconds(2), request, Duration.ofMillis(20), Duration.ofMillis(100), giveUp);
  }

  private WebhookChannel channel(URI url) {
    return new WebhookChannel(new WebhookChannel.Options(url, "glasswatch-test", SECRET,
        retry(Duration.ofSeconds(2), Duration.ofSeconds(5))));
  }

  private static Notice alert(String id) {
    return Notice.of(TestAlerts.rootUse(id), Links.NONE);
  }

  private static int deliver(WebhookChannel webhook, Notice n) throws DeliveryException {
    return webhook.deliver(n, NoticeChannel.AttemptListener.NONE);
  }

  @Test
  void postsTheAlertJsonSignedSoTheReceiverVerifiesIt() throws Exception {
    Alert alert = TestAlerts.rootUse("alert-1");
    try (WebhookChannel webhook = channel(receiver.url())) {
      assertThat(deliver(webhook, Notice.of(alert, Links.NONE))).isEqualTo(1);
    }
    assertThat(receiver.received()).hasSize(1);
    Received r = receiver.received().getFirst();
    assertThat(r.verdict()).isEqualTo(Verdict.VALID);
    assertThat(r.bodyText()).isEqualTo(AlertJson.toJson(alert));
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.header(WebhookSignature.KEY_ID_HEADER)).isEqualTo("glasswatch-test");
    assertThat(r.header(WebhookSignature.IDEMPOTENCY_KEY_HEADER)).isEqualTo("alert-1");
    assertThat(r.header(WebhookSignature.NONCE_HEADER)).matches("[0-9a-f]{32}");
    assertThat(Long.parseLong(r.header(WebhookSignature.TIMESTAMP_HEADER)))
        .isCloseTo(r.at().getEpochSecond(), org.assertj.core.data.Offset.offset(5L));
    assertThat(r.header(WebhookSignature.SIGNATURE_HEADER)).matches("v1=[0-9a-f]{64}");
  }

  @Test
  void retriesAServerErrorThenSucceedsWithTheSameIdempotencyKeyAndAFreshNonce() throws Exception {
    receiver.then(500, Map.of(), "boom");
    try (WebhookChannel webhook = channel(receiver.url())) {
      assertThat(deliver(webhook, alert("alert-2"))).isEqualTo(2);
    }
    List<Received> got = receiver.received();
    assertThat(got).hasSize(2).allSatisfy(r -> {
      assertThat(r.verdict()).isEqualTo(Verdict.VALID);
      assertThat(r.header(WebhookSignature.IDEMPOTENCY_KEY_HEADER)).isEqualTo("alert-2");
    });
    assertThat(got.get(0).header(WebhookSignature.NONCE_HEADER)).isNotEqualTo(got.get(1).header(WebhookSignature.NONCE_HEADER));
  }

  @Test
  void waitsForRetryAfterOn429() throws Exception {
    receiver.then(429, Map.of("Retry-After", "1"), "slow down");
    try (WebhookChannel webhook = channel(receiver.url())) {
      assertThat(deliver(webhook, alert("alert-3"))).isEqualTo(2);
    }
    List<Received> got = receiver.received();
    assertThat(got).hasSize(2);
    // without Retry-After the backoff would be at most 100 ms
    assertThat(Duration.between(got.get(0).at(), got.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
  }

  @Test
  void treatsA400AsPermanentAndDoesNotRetry() {
    receiver.then(400, Map.of(), "unknown alert type");
    DeliveryException e;
    try (WebhookChannel webhook = channel(receiver.url())) {
      e = catchThrowableOfType(DeliveryException.class, () -> deliver(webhook, alert("alert-4")));
    }
    assertThat(e.permanent()).isTrue();
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(e.lastStatus()).isEqualTo(400);
    assertThat(e.getMessage()).contains("HTTP 400").contains("unknown alert type");
    assertThat(receiver.received()).hasSize(1);
  }

  @Test
  void givesUpOnAReceiverThatNeverAnswersAfterItsGiveUpTime() {
    receiver.thenHang().thenHang().thenHang().thenHang().thenHang().thenHang();
    WebhookChannel.Options opts = new WebhookChannel.Options(receiver.url(), "k", SECRET,
        retry(Duration.ofMillis(300), Duration.ofSeconds(1)));
    long t0 = System.nanoTime();
    DeliveryException e;
    try (WebhookChannel webhook = new WebhookChannel(opts)) {
      e = catchThrowableOfType(DeliveryException.class, () -> deliver(webhook, alert("alert-5")));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(e.permanent()).isFalse();
    assertThat(e.attempts()).isBetween(2, 6);
    assertThat(e.lastStatus()).isEqualTo(-1);
    assertThat(e.getMessage()).contains("webhook delivery failed after").contains("timed out").contains("gave up");
    assertThat(receiver.received()).hasSize(e.attempts());
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(600)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void givesUpOnServerErrorsAfterItsGiveUpTime() {
    for (int i = 0; i < 200; i++) {
      receiver.then(503);
    }
    DeliveryException e;
    try (WebhookChannel webhook = new WebhookChannel(new WebhookChannel.Options(receiver.url(), "k", SECRET,
        retry(Duration.ofSeconds(1), Duration.ofMillis(500))))) {
      e = catchThrowableOfType(DeliveryException.class, () -> deliver(webhook, alert("alert-6")));
    }
    assertThat(e.permanent()).isFalse();
    assertThat(e.attempts()).isGreaterThan(1);
    assertThat(e.lastStatus()).isEqualTo(503);
    assertThat(receiver.received()).hasSize(e.attempts());
  }

  @Test
  void retriesWhenNothingListensThenReportsTheConnectionFailure() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    DeliveryException e;
    try (WebhookChannel webhook = new WebhookChannel(new WebhookChannel.Options(
        URI.create("http://127.0.0.1:" + port + "/hook"), "k", SECRET, retry(Duration.ofSeconds(1), Duration.ofMillis(300))))) {
      e = catchThrowableOfType(DeliveryException.class, () -> deliver(webhook, alert("alert-7")));
    }
    assertThat(e.attempts()).isGreaterThan(1);
    assertThat(e.permanent()).isFalse();
    assertThat(e.getMessage()).contains("I/O error");
  }

  @Test
  void neverPutsTheUrlTokenOrTheSecretInToStringErrorsOrLogs() {
    URI secretUrl = receiver.url("token=QUERYTOKEN123");
    String pathToken = "/hooks/oncall";
    receiver.then(500, Map.of(), "echo " + secretUrl + " " + SECRET).then(403, Map.of(), "denied for " + secretUrl);
    WebhookChannel.Options opts = new WebhookChannel.Options(secretUrl, "k", SECRET,
        retry(Duration.ofSeconds(2), Duration.ofSeconds(5)));
    DeliveryException e;
    try (LogCapture logs = new LogCapture(); WebhookChannel webhook = new WebhookChannel(opts)) {
      e = catchThrowableOfType(DeliveryException.class, () -> deliver(webhook, alert("alert-8")));
      assertThat(logs.text()).contains("alert-8").contains("attempt 1 failed");
      assertThat(logs.text()).doesNotContain("QUERYTOKEN123").doesNotContain(SECRET).doesNotContain(pathToken);
      assertThat(webhook.toString()).doesNotContain("QUERYTOKEN123").doesNotContain(pathToken).doesNotContain(SECRET);
    }
    assertThat(e.permanent()).isTrue();
    assertThat(e.getMessage()).contains("HTTP 403").doesNotContain("QUERYTOKEN123").doesNotContain(SECRET)
        .doesNotContain(pathToken);
    assertThat(opts.toString()).contains("secret=****").contains("/****")
        .doesNotContain("QUERYTOKEN123").doesNotContain(SECRET).doesNotContain(pathToken);
  }

  @Test
  void listsEveryInvalidOptionAtOnce() {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> WebhookChannel.Options.of(URI.create("ftp://example.com/x"), "has space", ""));
    assertThat(e.problems()).hasSize(3);
    assertThat(e.getMessage()).contains(GlasswatchSettings.WEBHOOK_URL).contains(GlasswatchSettings.WEBHOOK_KEY_ID)
        .contains(GlasswatchSettings.WEBHOOK_SECRET);
  }

  @Test
  void signsEnforcementNoticesWithTheRevokeFieldsAndSkipsResolutions() throws Exception {
    java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");
    io.glasswatch.schema.RevokeResult r = io.glasswatch.schema.RevokeResult.newBuilder().setCommandId("cmd-1")
        .setRequestId("req-1").setCorrelationId("req-1").setTrigger("expiry").setOutcome("CONFIRMED")
        .setCommandIssuedAt(now).setStartedAt(now).setCompletedAt(now).setTimeToRevokeMillis(1200L).setAttempts(1).build();
    Notice n = Notices.ofRevokeResult(r, Links.NONE).orElseThrow();
    try (WebhookChannel webhook = channel(receiver.url())) {
      assertThat(webhook.supports(Notice.Kind.RESOLVED)).isFalse();
      assertThat(webhook.supports(Notice.Kind.ENFORCEMENT)).isTrue();
      assertThat(deliver(webhook, n)).isEqualTo(1);
    }
    Received got = receiver.received().getFirst();
    assertThat(got.verdict()).isEqualTo(Verdict.VALID);
    assertThat(got.header(WebhookSignature.IDEMPOTENCY_KEY_HEADER)).isEqualTo("revoke:cmd-1");
    assertThat(got.bodyText()).contains("\"notification\":\"late revoke\"").contains("\"commandId\":\"cmd-1\"")
        .contains("\"timeToRevokeMillis\":1200");
  }
}
