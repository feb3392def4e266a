package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.glasswatch.alerts.enforcement.SsoAdminClients;
import io.glasswatch.cli.demo.DemoScenarios;
import io.glasswatch.cli.demo.TopicReader;
import io.glasswatch.cli.demo.WebhookReceiver;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.TopicNames;
import io.glasswatch.schema.Topics;
import io.glasswatch.sinks.timeline.TimelineQueries;
import io.glasswatch.testing.KafkaTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssoadmin.model.PrincipalType;
import software.amazon.awssdk.services.ssoadmin.model.TargetType;

/**
 * The pipeline on real Kafka, Apicurio Registry, Elasticsearch and moto: a JIT grant whose token
 * is reused and used after expiry, fed with one malformed line through {@code glasswatch produce}.
 */
class PipelineIT {
  private static final String REQUEST = "JIT-20230314-0042";

  @TempDir Path dir;

  @Test
  void malformedLineGoesToDeadLetterAndTheRestIsDetectedRevokedAndIndexed() throws Exception {
    GlasswatchSettings s = ItNamespace.prepare("pipeline", dir);

    // The grant's assignment exists in IAM Identity Center (moto) so that the revoke is real.
    try (var sso = SsoAdminClients.create(s, SsoAdminClients.Tuning.defaults())) {
      sso.createAccountAssignment(b -> b.instanceArn("arn:aws:sso:::instance/ssoins-1111222233334444")
          .targetId("444455556666").targetType(TargetType.AWS_ACCOUNT)
          .permissionSetArn("arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-5555666677778888")
          .principalType(PrincipalType.USER).principalId("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"));
    }

    Path input = dir.resolve("jit.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(
        DemoScenarios.extract(dir.resolve("scenarios")).get(3), StandardCharsets.UTF_8));
    lines.add(3, "{\"type\":\"grant\",\"requestId\":\"" + REQUEST + "\",\"tokenId\":\"oops\"");
    Files.write(input, lines);

    try (WebhookReceiver receiver = WebhookReceiver.start("it-secret");
        Pipeline pipeline = Pipeline.start(s.with(GlasswatchSettings.WEBHOOK_URL, receiver.url())
            .with(GlasswatchSettings.WEBHOOK_SECRET, "it-secret"), Pipeline.all(), System.out)) {
      List<String> args = new ArrayList<>(List.of("produce", "--sorted", "--clock-tick"));
      s.asMap().forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
      args.add(input.toString());
      assertThat(GlasswatchCli.execute(args.toArray(String[]::new))).isEqualTo(2);

      List<ConsumerRecord<String, byte[]>> dead = KafkaTestSupport.readAll(s, TopicNames.from(s).name(Topics.DEAD_LETTER),
          new StringDeserializer(), new ByteArrayDeserializer(), 1, Duration.ofSeconds(30));
      assertThat(dead).hasSize(1);
      assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.FILE)).isEqualTo(input.toString());
      assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.LINE)).isEqualTo("4");
      assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).doesNotContain("oops");

      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
        // the webhook carries alerts and revoke notifications ("access revoked", ...)
        assertThat(receiver.received().values()).filteredOn(a -> a.has("alertType"))
            .extracting(a -> a.path("alertType").asText())
            .containsExactlyInAnyOrder("TOKEN_REUSE", "USAGE_AFTER_EXPIRY");
        assertThat(receiver.received().values()).filteredOn(a -> a.has("notification"))
            .extracting(a -> a.path("notification").asText()).contains("access revoked");
        List<RevokeResult> finals = TopicReader.readAll(s, Topics.REVOKE_RESULTS, RevokeResult.class).stream()
            .filter(r -> r.getStep() == null).toList();
        assertThat(finals).filteredOn(r -> "alert".equals(r.getTrigger())).hasSize(2);
        // the clock ticks reach stage B before the alerts' revokes do, so the expiry sweep may run first;
        // whichever runs first removes the assignment, the others find it already absent
        assertThat(finals).filteredOn(r -> "expiry".equals(r.getTrigger())).hasSizeLessThanOrEqualTo(1);
        assertThat(finals).extracting(RevokeResult::getOutcome).containsOnlyOnce("CONFIRMED")
            .containsOnly("CONFIRMED", "ALREADY_ABSENT");
      });
      assertThat(receiver.rejected()).isZero();
      List<Alert> alerts = TopicReader.readAll(s, Topics.ALERTS, Alert.class);
      assertThat(alerts).hasSize(2).allMatch(a -> REQUEST.equals(a.getRequestId()));

      // 8 gateway events and 2 alerts, each exactly once, the revoke steps and results, the request's
      // lifecycle transitions and the alerts' delivery attempts and outcomes; one unbroken chain
      try (TimelineQueries q = new TimelineQueries(s)) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          q.refresh();
          var docs = q.timeline(REQUEST);
          java.util.Map<Object, Long> byKind = docs.stream().collect(java.util.stream.Collectors.groupingBy(
              d -> ((java.util.Map<?, ?>) d.get("glasswatch")).get("kind"), java.util.stream.Collectors.counting()));
          assertThat(byKind).containsEntry("event", 8L).containsEntry("alert", 2L).containsKey("enforcement")
              .containsKey("state").containsKey("delivery");
          // each alert's delivery to the signed webhook: its attempt and its outcome, in the request's chain,
          // without the webhook's URL or secret
          var deliveries = docs.stream().filter(d -> "delivery".equals(((java.util.Map<?, ?>) d.get("glasswatch")).get("kind")))
              .toList();
          for (Alert a : alerts) {
            assertThat(deliveries).filteredOn(d -> a.getAlertId().equals(((java.util.Map<?, ?>) d.get("glasswatch")).get("alert_id")))
                .extracting(d -> String.valueOf(((java.util.Map<?, ?>) d.get("event")).get("action")))
                .contains("delivery_attempt", "delivered");
          }
          assertThat(deliveries).allSatisfy(d -> assertThat(d.toString()).doesNotContain(receiver.url()).doesNotContain("it-secret"));
          assertThat(docs).extracting(d -> ((Number) ((java.util.Map<?, ?>) d.get("glasswatch")).get("sequence")).longValue())
              .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, docs.size()).boxed().toList());
        });
      }
    }
  }
}
