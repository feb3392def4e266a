package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.PrincipalType;
import software.amazon.awssdk.services.ssoadmin.model.TargetType;

/**
 * {@link RevokeService} on real Kafka, Apicurio Registry and moto: commands in, confirmed
 * results out, each command executed once across duplicates and a replay by another group.
 */
class RevokeServiceIT {
  private static final Logger LOG = LoggerFactory.getLogger(RevokeServiceIT.class);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static GlasswatchSettings settings;
  private static SsoAdminClient admin;
  private static String instanceArn;
  private static String permissionSetArn;

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private String commandsTopic;
  private String resultsTopic;
  private String deadLetterTopic;

  @BeforeAll
  static void stack() {
    settings = TestStack.settings(Component.KAFKA, Component.REGISTRY, Component.MOTO)
        .with(GlasswatchSettings.REVOKE_DRY_RUN, "false");
    admin = SsoAdminClients.create(settings, SsoAdminClients.Tuning.fast());
    instanceArn = admin.listInstances(r -> {}).instances().getFirst().instanceArn();
    permissionSetArn = admin.createPermissionSet(r -> r.instanceArn(instanceArn)
        .name("Emergency-" + UUID.randomUUID().toString().substring(0, 8))).permissionSet().permissionSetArn();
  }

  @AfterAll
  static void closeAdmin() {
    if (admin != null) {
      admin.close();
    }
  }

  @BeforeEach
  void topics() {
    commandsTopic = KafkaTestSupport.uniqueTopic("revoke-commands");
    resultsTopic = KafkaTestSupport.uniqueTopic("revoke-results");
    deadLetterTopic = KafkaTestSupport.uniqueTopic("dead-letter");
    KafkaTestSupport.createTopics(settings, 2, commandsTopic, resultsTopic, deadLetterTopic);
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  private RevokeService.Options options(String group) {
    return RevokeService.Options.defaults().withTopics(commandsTopic, resultsTopic, deadLetterTopic).withGroupId(group)
        .withPollTimeout(Duration.ofMillis(200));
  }

  private static AccountAssignment assign(String accountId) {
    String principal = UUID.randomUUID().toString();
    admin.createAccountAssignment(r -> r.instanceArn(instanceArn).permissionSetArn(permissionSetArn)
        .principalType(PrincipalType.USER).principalId(principal).targetType(TargetType.AWS_ACCOUNT).targetId(accountId));
    return AccountAssignment.newBuilder().setInstanceArn(instanceArn).setAccountId(accountId)
        .setPermissionSetArn(permissionSetArn).setPrincipalType("USER").setPrincipalId(principal).build();
  }

  private static boolean held(AccountAssignment a) {
    return admin.listAccountAssignmentsPaginator(r -> r.instanceArn(instanceArn).accountId(a.getAccountId())
            .permissionSetArn(a.getPermissionSetArn())).accountAssignments().stream()
        .anyMatch(x -> x.principalId().equals(a.getPrincipalId()));
  }

  private void produce(RevokeCommand... commands) {
    try (KafkaProducer<String, RevokeCommand> p = new KafkaProducer<>(KafkaTestSupport.producerProperties(settings),
        new StringSerializer(),
        AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL)).value(RevokeCommand.class).serializer())) {
      for (RevokeCommand c : commands) {
        p.send(new ProducerRecord<>(commandsTopic, c.getCommandId(), c));
      }
      p.flush();
    }
  }

  @Test
  void executesEachCommandOnceAndPublishesConfirmedResults() throws Exception {
    AccountAssignment a = assign("501234567890");
    AccountAssignment b = assign("601234567890");
    AccountAssignment sameAccountAsA = assign("501234567890");
    Instant detected = Instant.now();
    RevokeCommand c1 = SsoAdminRevokerWireTest.command("c1-" + commandsTopic, a, detected);
    RevokeCommand c2 = SsoAdminRevokerWireTest.command("c2-" + commandsTopic, b, detected);
    RevokeCommand c3 = SsoAdminRevokerWireTest.command("c3-" + commandsTopic, sameAccountAsA, detected);
    RevokeCommand c4 = SsoAdminRevokerWireTest.command("c4-" + commandsTopic, a, detected);
    produce(c1, c2, c1, c3, c4);

    try (SsoAdminRevoker revoker = SsoAdminRevoker.fromSettings(settings)) {
      String group = KafkaTestSupport.uniqueTopic("glasswatch-revoker");
      RevokeService service = new RevokeService(settings, revoker, options(group));
      Future<?> run = threads.submit(service);
      await().atMost(WAIT).until(() -> service.stats().commandsRead() == 5 && service.stats().executed() == 4);
      service.close();
      run.get();
      RevokeService.Stats stats = service.stats();
      LOG.info("revoke service against moto: outcomes {}, time to revoke {}", stats.outcomes(), stats.timeToRevokeMillis());
      assertThat(stats.alreadyExecuted()).isEqualTo(1);
      assertThat(stats.outcomes()).containsEntry("CONFIRMED", 3L).containsEntry("ALREADY_ABSENT", 1L);
      assertThat(stats.timeToRevokeMillis().getCount()).isEqualTo(3);

      // another group replays every command: all have results already, so nothing runs again
      RevokeService replay = new RevokeService(settings, revoker, options(group + "-replay"));
      Future<?> run2 = threads.submit(replay);
      await().atMost(WAIT).until(() -> replay.stats().commandsRead() == 5);
      replay.close();
      run2.get();
      assertThat(replay.stats().executed()).isZero();
      assertThat(replay.stats().alreadyExecuted()).isEqualTo(5);
    }

    // final results only: progress records (step set, key <commandId>/<n>) sit in the same topic
    List<ConsumerRecord<String, RevokeResult>> results = new java.util.ArrayList<>();
    await().atMost(WAIT).until(() -> {
      results.clear();
      KafkaTestSupport.readAll(settings, resultsTopic, new StringDeserializer(),
              AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL)).value(RevokeResult.class).deserializer(),
              4, WAIT).stream()
          .filter(r -> r.value().getStep() == null).forEach(results::add);
      return results.size() == 4;
    });
    assertThat(results).hasSize(4);
    Map<String, RevokeResult> byKey = results.stream()
        .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (x, y) -> x));
    assertThat(byKey).hasSize(4);
    assertThat(byKey.get(c2.getCommandId()).getOutcome()).isEqualTo("CONFIRMED");
    assertThat(byKey.get(c3.getCommandId()).getOutcome()).isEqualTo("CONFIRMED");
    // c1 and c4 target the same assignment; keyed by command id they may sit in different partitions,
    // so either runs first: one removes it, the other finds it already gone.
    assertThat(List.of(byKey.get(c1.getCommandId()).getOutcome(), byKey.get(c4.getCommandId()).getOutcome()))
        .containsExactlyInAnyOrder("CONFIRMED", "ALREADY_ABSENT");
    assertThat(byKey.values()).allSatisfy(r -> {
      assertThat(r.getCorrelationId()).isEqualTo("req-1");
      assertThat(r.getCompletedAt()).isAfterOrEqualTo(r.getStartedAt());
    });
    // the confirmed revokes carry their time-to-revoke; the one that found the assignment gone has none
    assertThat(byKey.values()).filteredOn(r -> "CONFIRMED".equals(r.getOutcome()))
        .hasSize(3).allSatisfy(r -> assertThat(r.getTimeToRevokeMillis()).isNotNull().isGreaterThanOrEqualTo(0L));
    assertThat(byKey.values()).filteredOn(r -> "ALREADY_ABSENT".equals(r.getOutcome()))
        .singleElement().satisfies(r -> assertThat(r.getTimeToRevokeMillis()).isNull());
    assertThat(held(a)).isFalse();
    assertThat(held(b)).isFalse();
    assertThat(held(sameAccountAsA)).isFalse();
  }

  @Test
  void deadLettersAnUnreadableCommandAndStillExecutesTheNext() throws Exception {
    AccountAssignment a = assign("701234567890");
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(KafkaTestSupport.producerProperties(settings),
        new StringSerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(commandsTopic, "bad", "{\"commandId\":\"json, not avro\"}".getBytes(StandardCharsets.UTF_8))).get();
    }
    RevokeCommand good = SsoAdminRevokerWireTest.command("good-" + commandsTopic, a, null);
    produce(good);

    try (SsoAdminRevoker revoker = SsoAdminRevoker.fromSettings(settings)) {
      RevokeService service = new RevokeService(settings, revoker, options(KafkaTestSupport.uniqueTopic("g")));
      Future<?> run = threads.submit(service);
      await().atMost(WAIT).until(() -> service.stats().commandsRead() == 2 && service.stats().executed() == 1);
      service.close();
      run.get();
      assertThat(service.stats().deadLettered()).isEqualTo(1);
    }
    List<ConsumerRecord<String, byte[]>> dead = KafkaTestSupport.readAll(settings, deadLetterTopic, new StringDeserializer(),
        new ByteArrayDeserializer(), 1, WAIT);
    assertThat(dead).hasSize(1);
    assertThat(dead.getFirst().key()).isEqualTo("bad");
    assertThat(DeadLetterHeaders.get(dead.getFirst().headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(commandsTopic);
    assertThat(DeadLetterHeaders.get(dead.getFirst().headers(), DeadLetterHeaders.REASON)).startsWith("cannot read revoke command");
    assertThat(held(a)).isFalse();
  }
}
