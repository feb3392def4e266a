package io.glasswatch.alerts.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.alerts.testing.HttpReceiver;
import io.glasswatch.alerts.testing.TestAlerts;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertDeliveryEvent;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OnCallDispatcher} on real Kafka and Apicurio Registry with real local receivers: a channel
 * that stays down does not delay the others and falls back after its give-up time; storms become
 * digests; resolutions decided by the rules ({@code alert-resolutions}) resolve the page on the
 * channels the alert reached, once each, also when they arrive before the alert was delivered. The
 * restart guarantee (a process killed between a send and its record) is {@link DispatcherKillIT}'s.
 */
class OnCallDispatcherIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ROUTING_KEY = "IT0ROUTING0KEY000000000000000000";
  private static final HttpPoster.Retry FAST = new HttpPoster.Retry(Duration.ofSeconds(1), Duration.ofMillis(400),
      Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(10));
  private static GlasswatchSettings settings;

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private String alertsTopic;
  private String resultsTopic;
  private String resolutionsTopic;
  private String deliveriesTopic;
  private String deadLetterTopic;
  private String eventsTopic;

  @BeforeAll
  static void stack() {
    settings = TestStack.settings(Component.KAFKA, Component.REGISTRY);
  }

  @BeforeEach
  void topics() {
    alertsTopic = KafkaTestSupport.uniqueTopic("alerts");
    resultsTopic = KafkaTestSupport.uniqueTopic("revoke-results");
    resolutionsTopic = KafkaTestSupport.uniqueTopic("alert-resolutions");
    deliveriesTopic = KafkaTestSupport.uniqueTopic("alert-deliveries");
    deadLetterTopic = KafkaTestSupport.uniqueTopic("dead-letter");
    eventsTopic = KafkaTestSupport.uniqueTopic("alert-delivery-events");
    KafkaTestSupport.createTopics(settings, 2, alertsTopic, resultsTopic, resolutionsTopic, deadLetterTopic);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
    threads.shutdownNow();
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closeables.add(c);
    return c;
  }

  private OnCallDispatcher.Options options(String group) {
    return OnCallDispatcher.Options.defaults().withTopics(alertsTopic, resolutionsTopic, resultsTopic, deliveriesTopic,
        deadLetterTopic, eventsTopic).withGroupId(group);
  }

  private Future<?> start(OnCallDispatcher d) {
    return threads.submit(d);
  }

  private <T extends SpecificRecord> void produce(String topic, Class<T> type, List<T> values, java.util.function.Function<T, String> key) {
    try (KafkaProducer<String, T> p = new KafkaProducer<>(KafkaTestSupport.producerProperties(settings), new StringSerializer(),
        AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL)).value(type).serializer())) {
      values.forEach(v -> p.send(new ProducerRecord<>(topic, key.apply(v), v)));
      p.flush();
    }
  }

  private void produceAlerts(List<Alert> alerts) {
    produce(alertsTopic, Alert.class, alerts, Alert::getCorrelationId);
  }

  private static Alert alert(String id, String type, String severity) {
    return Alert.newBuilder(TestAlerts.rootUse(id)).setAlertType(type).setSeverity(severity).setCorrelationId("req-" + id)
        .setRequestId("req-" + id).build();
  }

  private List<ConsumerRecord<String, byte[]>> readAll(String topic, int atLeast) {
    return KafkaTestSupport.readAll(settings, topic, new StringDeserializer(), new ByteArrayDeserializer(), atLeast, WAIT);
  }

  private static Routing routing(List<String> def, String fallback, Routing.Storm storm) {
    return new Routing(List.of(), def, List.of("slack"), fallback, Duration.ofSeconds(10), storm, Links.NONE);
  }

  @Test
  void aChannelThatStaysDownDoesNotDelayTheOthersAndFallsBackAfterItsGiveUpTime() throws Exception {
    HttpReceiver down = closeLater(HttpReceiver.json(202, "{}").hangAlways());
    HttpReceiver slack = closeLater(HttpReceiver.json(200, "ok"));
    HttpReceiver fallback = closeLater(HttpReceiver.json(200, "ok"));
    HttpPoster.Retry giveUpSoon = FAST.withGiveUpAfter(Duration.ofSeconds(3));
    List<NoticeChannel> channels = List.of(
        new PagerDutyChannel(new PagerDutyChannel.Options(down.url("/v2/enqueue"), ROUTING_KEY, giveUpSoon)),
        new SlackChannel(new ChatWebhook(slack.url("/services/SECRET-SLACK-PATH"), FAST)),
        new MattermostChannel(new ChatWebhook(fallback.url("/hooks/fallback"), FAST)));
    OnCallDispatcher d = closeLater(new OnCallDispatcher(settings, channels,
        routing(List.of("pagerduty", "slack"), "mattermost", Routing.Storm.DEFAULT), options(KafkaTestSupport.uniqueTopic("g"))));
    Future<?> run = start(d);
    List<Alert> alerts = List.of(alert("down-1", "TOKEN_REUSE", "high"), alert("down-2", "TOKEN_REUSE", "high"));
    produceAlerts(alerts);

    await().atMost(WAIT).until(() -> slack.uniqueKeys().size() == 2);
    // Both alerts reached Slack while PagerDuty was still retrying the first one (6 s for both).
    assertThat(d.stats().failed()).isZero();
    await().atMost(WAIT).until(() -> fallback.uniqueKeys().size() == 2);
    assertThat(fallback.uniqueKeys()).containsExactlyInAnyOrder("down-1", "down-2");
    assertThat(down.received().size()).isGreaterThanOrEqualTo(2);

    List<ConsumerRecord<String, byte[]>> dead = readAll(deadLetterTopic, 2);
    assertThat(dead).allSatisfy(r -> {
      assertThat(DeadLetterHeaders.get(r.headers(), OnCallDispatcher.CHANNEL_HEADER)).isEqualTo("pagerduty");
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON)).contains("gave up");
      assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(alertsTopic);
    });
    await().atMost(WAIT).until(() -> d.stats().fallbacks() == 2 && d.stats().failed() == 2);
    List<AlertDeliveryEvent> events = KafkaTestSupport.readAll(settings, eventsTopic, new StringDeserializer(),
        AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL)).value(AlertDeliveryEvent.class).deserializer(),
        8, WAIT).stream().map(ConsumerRecord::value).toList();
    assertThat(events).extracting(AlertDeliveryEvent::getType).contains("attempt", "outcome");
    assertThat(events).extracting(AlertDeliveryEvent::getChannel).contains("pagerduty", "slack");
    assertThat(events).filteredOn(e -> "pagerduty".equals(e.getChannel())).extracting(AlertDeliveryEvent::getDetail)
        .anyMatch(detail -> detail.contains("timed out"));
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getEventTime()).isNotNull();
      assertThat(e.getCorrelationId()).startsWith("req-down-");
    });
    assertThat(events.toString()).doesNotContain(ROUTING_KEY).doesNotContain("SECRET-SLACK-PATH");
    assertThat(run.isDone()).isFalse();
  }

  @Test
  void aStormIsReportedOnceAndFurtherAlertsComeAsDigests() throws Exception {
    HttpReceiver slack = closeLater(HttpReceiver.json(200, "ok"));
    List<NoticeChannel> channels = List.of(new SlackChannel(new ChatWebhook(slack.url("/hook"), FAST)));
    OnCallDispatcher d = closeLater(new OnCallDispatcher(settings, channels,
        routing(List.of("slack"), null, new Routing.Storm(2, Duration.ofMinutes(1), Duration.ofSeconds(1))),
        options(KafkaTestSupport.uniqueTopic("g"))));
    start(d);
    List<Alert> alerts = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      alerts.add(alert("storm-" + i, "DENIED_ATTEMPTS", "medium"));
    }
    produceAlerts(alerts);

    await().atMost(WAIT).until(() -> d.stats().digests() >= 1
        && slack.received().stream().mapToInt(r -> grouped(r.json())).sum() == 5);
    List<String> keys = slack.received().stream().map(HttpReceiver.Received::idempotencyKey).toList();
    assertThat(keys.stream().filter(k -> k.startsWith("storm:DENIED_ATTEMPTS:"))).hasSize(1);
    assertThat(keys.stream().filter(k -> k.startsWith("storm-"))).hasSize(2);
    assertThat(keys.stream().filter(k -> k.startsWith("digest:DENIED_ATTEMPTS:"))).hasSizeBetween(1, 2);
    assertThat(d.stats().storms()).isEqualTo(1);
  }

  private static int grouped(JsonNode slackMessage) {
    String header = slackMessage.get("blocks").get(0).get("text").get("text").asText();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("Storm digest: (\\d+) more").matcher(header);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private static AlertResolution resolution(Alert alert, String kind) {
    return AlertResolution.newBuilder().setAlertId(alert.getAlertId()).setAlertType(alert.getAlertType())
        .setCorrelationId(alert.getCorrelationId()).setRequestId(alert.getRequestId()).setAccountId(alert.getAccountId())
        .setKind(kind).setReason("decided by the rule: " + kind).setEvidence(List.of("ev-1"))
        .setResolvedAt(Instant.now()).build();
  }

  @Test
  void aRevokeFailedResolutionResolvesThePageAndTheConfirmedRevokeIsAnnounced() throws Exception {
    HttpReceiver pd = closeLater(HttpReceiver.json(202, "{}"));
    HttpReceiver slack = closeLater(HttpReceiver.json(200, "ok"));
    List<NoticeChannel> channels = List.of(
        new PagerDutyChannel(new PagerDutyChannel.Options(pd.url("/v2/enqueue"), ROUTING_KEY, FAST)),
        new SlackChannel(new ChatWebhook(slack.url("/hook"), FAST)));
    OnCallDispatcher d = closeLater(new OnCallDispatcher(settings, channels,
        routing(List.of("pagerduty"), null, Routing.Storm.DEFAULT), options(KafkaTestSupport.uniqueTopic("g"))));
    start(d);
    Alert failed = Alert.newBuilder(alert("rf-1", "REVOKE_FAILED", "critical")).setRequestId("req-9").setCorrelationId("req-9")
        .setEventTime(Instant.now().minusSeconds(60)).build();
    produceAlerts(List.of(failed));
    await().atMost(WAIT).until(() -> pd.received().size() == 1);
    Instant now = Instant.now();
    RevokeResult ok = RevokeResult.newBuilder().setCommandId("cmd-9").setRequestId("req-9").setCorrelationId("req-9")
        .setOutcome("CONFIRMED").setCommandIssuedAt(now).setStartedAt(now).setCompletedAt(now).setTimeToRevokeMillis(1234L)
        .setAttempts(1).build();
    produce(resultsTopic, RevokeResult.class, List.of(ok), RevokeResult::getCorrelationId);
    await().atMost(WAIT).until(() -> slack.received().size() == 1);
    assertThat(pd.received()).as("a confirmed revoke alone resolves nothing: the revoke executor decides").hasSize(1);

    produce(resolutionsTopic, AlertResolution.class, List.of(resolution(failed, "revoke_confirmed"),
        resolution(failed, "revoke_confirmed")), AlertResolution::getCorrelationId);

    await().atMost(WAIT).until(() -> pd.received().size() == 2 && d.stats().recordsRead() >= 4);
    JsonNode trigger = pd.received().get(0).json();
    JsonNode resolve = pd.received().get(1).json();
    assertThat(trigger.get("event_action").asText()).isEqualTo("trigger");
    assertThat(resolve.get("event_action").asText()).isEqualTo("resolve");
    assertThat(resolve.get("dedup_key").asText()).isEqualTo(trigger.get("dedup_key").asText()).isEqualTo("glasswatch-rf-1");
    assertThat(slack.received()).singleElement().satisfies(r ->
        assertThat(r.json().get("blocks").get(0).get("text").get("text").asText()).isEqualTo("Access revoked in 1.2 s"));
    // a delivery is counted once its record is written, just after the receiver answered
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(Map.copyOf(d.stats().deliveredByChannel())).containsEntry("pagerduty", 2L);
      assertThat(d.stats().alreadyDelivered()).as("the repeated resolution").isGreaterThanOrEqualTo(1);
    });
    assertThat(pd.received()).hasSize(2);
  }

  @Test
  void aRotationResolutionGoesToEveryChannelTheAlertReachedEvenWhenItArrivesFirst() throws Exception {
    HttpReceiver pd = closeLater(HttpReceiver.json(202, "{}"));
    HttpReceiver slack = closeLater(HttpReceiver.json(200, "ok"));
    HttpReceiver mattermost = closeLater(HttpReceiver.json(200, "ok"));
    List<NoticeChannel> channels = List.of(
        new PagerDutyChannel(new PagerDutyChannel.Options(pd.url("/v2/enqueue"), ROUTING_KEY, FAST)),
        new SlackChannel(new ChatWebhook(slack.url("/hook"), FAST)),
        new MattermostChannel(new ChatWebhook(mattermost.url("/hook"), FAST)));
    OnCallDispatcher d = closeLater(new OnCallDispatcher(settings, channels,
        routing(List.of("pagerduty", "slack"), null, Routing.Storm.DEFAULT), options(KafkaTestSupport.uniqueTopic("g"))));
    Alert overdue = Alert.newBuilder(alert("ro-1", "ROTATION_OVERDUE", "high")).setCorrelationId("account:123456789012")
        .setRequestId(null).build();
    produce(resolutionsTopic, AlertResolution.class, List.of(resolution(overdue, "rotation_done")),
        AlertResolution::getCorrelationId);
    start(d);
    await().atMost(WAIT).until(() -> d.stats().recordsRead() >= 1);
    produceAlerts(List.of(overdue));

    await().atMost(WAIT).until(() -> pd.received().size() == 2 && slack.received().size() == 2);
    assertThat(pd.received().get(1).json().get("event_action").asText()).isEqualTo("resolve");
    assertThat(slack.received().get(1).json().get("blocks").get(0).get("text").get("text").asText())
        .isEqualTo("Resolved: ROTATION_OVERDUE");
    assertThat(mattermost.received()).as("the alert never went there").isEmpty();
    await().atMost(WAIT).until(() -> d.stats().resolved() == 1);
  }
}
