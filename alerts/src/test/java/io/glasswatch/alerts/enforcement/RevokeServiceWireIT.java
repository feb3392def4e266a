package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.glasswatch.alerts.testing.SsoAdminWireServer;
import io.glasswatch.catalogue.PolicyAlerts;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RevokeService} on real Kafka and Apicurio Registry against the SSO Admin wire-protocol
 * server: lanes per (account, permission set), REVOKE_FAILED with progress records (built from the
 * catalogue with the policy file's override) and its resolution once a late confirmation arrives,
 * overlapping grants. On-call notices of results are the dispatcher's ({@code OnCallDispatcherIT}).
 */
class RevokeServiceWireIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String INSTANCE = "arn:aws:sso:::instance/ssoins-1111111111111111";
  private static final String PS = "arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222";
  private static GlasswatchSettings kafka;

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private SsoAdminWireServer server;
  private String commandsTopic;
  private String resultsTopic;
  private String alertsTopic;
  private String resolutionsTopic;
  private String deadLetterTopic;

  @BeforeAll
  static void stack() {
    kafka = TestStack.settings(Component.KAFKA, Component.REGISTRY);
  }

  @BeforeEach
  void start() throws Exception {
    server = new SsoAdminWireServer();
    commandsTopic = KafkaTestSupport.uniqueTopic("revoke-commands");
    resultsTopic = KafkaTestSupport.uniqueTopic("revoke-results");
    alertsTopic = KafkaTestSupport.uniqueTopic("alerts");
    resolutionsTopic = KafkaTestSupport.uniqueTopic("alert-resolutions");
    deadLetterTopic = KafkaTestSupport.uniqueTopic("dead-letter");
    KafkaTestSupport.createTopics(kafka, 2, commandsTopic, resultsTopic, alertsTopic, resolutionsTopic, deadLetterTopic);
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
    server.close();
  }

  private SsoAdminRevoker revoker(SsoAdminRevoker.Options options) {
    GlasswatchSettings s = GlasswatchSettings.builder()
        .set(GlasswatchSettings.SSO_ENDPOINT, server.endpoint().toString()).build();
    return new SsoAdminRevoker(SsoAdminClients.create(s, SsoAdminClients.Tuning.fast()), options, Clock.systemUTC());
  }

  private RevokeService service(SsoAdminRevoker revoker, OverlappingGrants overlaps) {
    return service(revoker, overlaps, PolicyAlerts.defaults());
  }

  private RevokeService service(SsoAdminRevoker revoker, OverlappingGrants overlaps, PolicyAlerts policy) {
    RevokeService.Options o = RevokeService.Options.defaults().withTopics(commandsTopic, resultsTopic, deadLetterTopic)
        .withAlertsTopic(alertsTopic).withResolutionsTopic(resolutionsTopic)
        .withGroupId(KafkaTestSupport.uniqueTopic("revoker")).withPollTimeout(Duration.ofMillis(100));
    return new RevokeService(kafka, revoker, o, overlaps, policy);
  }

  private List<ConsumerRecord<String, Alert>> alerts(int atLeast) {
    return KafkaTestSupport.readAll(kafka, alertsTopic, new StringDeserializer(),
        AvroSerdes.registry(kafka.get(GlasswatchSettings.REGISTRY_URL)).value(Alert.class).deserializer(), atLeast, WAIT);
  }

  private static SsoAdminRevoker.Options fast() {
    return SsoAdminRevoker.Options.defaults().withDeadline(Duration.ofSeconds(10))
        .withPoll(Duration.ofMillis(20), Duration.ofMillis(80)).withConfirmGrace(Duration.ofMillis(300))
        .withRetry(Duration.ofMillis(20), Duration.ofMillis(100));
  }

  private static AccountAssignment assignment(String account, String principal) {
    return AccountAssignment.newBuilder().setInstanceArn(INSTANCE).setAccountId(account).setPermissionSetArn(PS)
        .setPrincipalType("USER").setPrincipalId(principal).build();
  }

  private static RevokeCommand command(String id, String requestId, AccountAssignment a) {
    return RevokeCommand.newBuilder().setCommandId(id).setRequestId(requestId).setCorrelationId(requestId)
        .setAlertId("alert-" + id).setTrigger("alert").setReason("TOKEN_REUSE: second use of a single-use token")
        .setAssignment(a).setIssuedAt(Instant.parse("2024-05-01T10:00:00Z")).setDetectedAtWallClock(Instant.now())
        .build();
  }

  private void produce(List<RevokeCommand> commands) {
    try (KafkaProducer<String, RevokeCommand> p = new KafkaProducer<>(KafkaTestSupport.producerProperties(kafka),
        new StringSerializer(),
        AvroSerdes.registry(kafka.get(GlasswatchSettings.REGISTRY_URL)).value(RevokeCommand.class).serializer())) {
      for (RevokeCommand c : commands) {
        // one partition key per command: lanes, not partitions, must keep order per assignment
        p.send(new ProducerRecord<>(commandsTopic, c.getCommandId(), c));
      }
      p.flush();
    }
  }

  private List<RevokeResult> results(int atLeast) {
    return KafkaTestSupport.readAll(kafka, resultsTopic, new StringDeserializer(),
            AvroSerdes.registry(kafka.get(GlasswatchSettings.REGISTRY_URL)).value(RevokeResult.class).deserializer(),
            atLeast, WAIT)
        .stream().map(ConsumerRecord::value).toList();
  }

  /** Progress records by stepSeq (their keys spread them over partitions). */
  private static List<RevokeResult> inOrder(List<RevokeResult> results) {
    return results.stream().filter(r -> r.getStep() != null)
        .sorted(java.util.Comparator.comparingInt(RevokeResult::getStepSeq)).toList();
  }

  @Test
  void neverOverlapsRevokesOfOneAccountAndPermissionSetWhileOtherAccountsRunInParallel() throws Exception {
    server.clearAssignments();
    server.delay(Duration.ofMillis(60));
    List<RevokeCommand> commands = new ArrayList<>();
    for (String account : List.of("111111111111", "222222222222", "333333333333")) {
      for (int i = 0; i < 3; i++) {
        String principal = UUID.randomUUID().toString();
        server.assign(account, PS, principal);
        commands.add(command("lane-" + account + "-" + i, "req-" + account + "-" + i, assignment(account, principal)));
      }
    }
    produce(commands);
    try (SsoAdminRevoker revoker = revoker(fast())) {
      RevokeService service = service(revoker, OverlappingGrants.NONE);
      Future<?> run = threads.submit(service);
      await().atMost(WAIT).until(() -> service.stats().executed() == 9);
      service.close();
      run.get();
      assertThat(service.stats().outcomes()).containsEntry("CONFIRMED", 9L);
    }
    for (String account : List.of("111111111111", "222222222222", "333333333333")) {
      assertThat(server.maxInFlight(account, PS)).as("requests of one lane in flight at once").isEqualTo(1);
    }
    assertThat(server.maxInFlightOverall()).as("lanes run in parallel").isGreaterThanOrEqualTo(2);
    assertThat(server.assignments()).isEmpty();
  }

  @Test
  void raisesRevokeFailedWhenNotConfirmedWithinTheDeadlineAndKeepsTryingUntilGiveUp() throws Exception {
    for (int i = 0; i < 5000; i++) {
      server.status("DescribeAccountAssignmentDeletionStatus", "IN_PROGRESS", null);
    }
    AccountAssignment sample = SsoAdminRevokerWireTest.sampleAssignment();
    RevokeCommand stuck = command("stuck-" + commandsTopic, "req-stuck", sample);
    produce(List.of(stuck));
    PolicyAlerts policy = PolicyAlerts.parse("""
        alerts:
          REVOKE_FAILED: { severity: high, runbook: "https://wiki.example/revoke-failed" }
        """, "policy.yaml");
    try (SsoAdminRevoker revoker = revoker(fast().withDeadline(Duration.ofMillis(800)).withGiveUp(Duration.ofSeconds(3)))) {
      RevokeService service = service(revoker, OverlappingGrants.NONE, policy);
      Future<?> run = threads.submit(service);
      await().atMost(WAIT).until(() -> service.stats().executed() == 1);
      service.close();
      run.get();
      assertThat(service.stats().revokeFailedAlerts()).isEqualTo(1);
      assertThat(service.stats().outcomes()).containsEntry("FAILED", 1L);
    }
    List<ConsumerRecord<String, Alert>> alerts = alerts(1);
    assertThat(alerts).singleElement().satisfies(r -> {
      Alert a = r.value();
      assertThat(a.getAlertType()).isEqualTo("REVOKE_FAILED");
      assertThat(a.getSeverity()).as("the policy file's override of the catalogue's critical").isEqualTo("high");
      assertThat(a.getActions()).containsExactly("page");
      assertThat(a.getAlertId()).isEqualTo(RevokeService.revokeFailedAlertId(stuck.getCommandId()));
      assertThat(a.getRequestId()).isEqualTo("req-stuck");
      assertThat(a.getAccountId()).isEqualTo("123456789012");
      assertThat(a.getEvidence()).contains(stuck.getCommandId());
      assertThat(a.getSummary()).contains("not confirmed within").contains("IN_PROGRESS")
          .contains("DeleteAccountAssignment attempts");
      assertThat(a.getRunbook()).isEqualTo("https://wiki.example/revoke-failed");
    });
    List<RevokeResult> results = results(4);
    assertThat(inOrder(results)).extracting(RevokeResult::getStep)
        .containsExactly("command_received", "delete_requested", "deadline_missed");
    assertThat(results).filteredOn(r -> "deadline_missed".equals(r.getStep())).singleElement()
        .satisfies(r -> assertThat(r.getRevokeFailedAlertId()).isEqualTo(alerts.getFirst().value().getAlertId()));
    RevokeResult last = results.stream().filter(r -> r.getStep() == null).findFirst().orElseThrow();
    assertThat(last.getOutcome()).isEqualTo("FAILED");
    assertThat(last.getFailureReason()).contains("still IN_PROGRESS").contains("gave up");
    assertThat(Duration.between(last.getStartedAt(), last.getCompletedAt())).isGreaterThanOrEqualTo(Duration.ofMillis(2500));
    assertThat(last.getRevokeFailedAlertId()).isEqualTo(alerts.getFirst().value().getAlertId());
  }

  @Test
  void aRevokeConfirmedAfterItsDeadlineResolvesItsRevokeFailedAlert() throws Exception {
    for (int i = 0; i < 40; i++) {
      server.status("DescribeAccountAssignmentDeletionStatus", "IN_PROGRESS", null);
    }
    RevokeCommand late = command("late-" + commandsTopic, "req-late", SsoAdminRevokerWireTest.sampleAssignment());
    produce(List.of(late));
    try (SsoAdminRevoker revoker = revoker(fast().withDeadline(Duration.ofMillis(500)).withGiveUp(Duration.ofSeconds(30)))) {
      RevokeService service = service(revoker, OverlappingGrants.NONE);
      Future<?> run = threads.submit(service);
      await().atMost(WAIT).until(() -> service.stats().executed() == 1);
      service.close();
      run.get();
      assertThat(service.stats().revokeFailedAlerts()).isEqualTo(1);
      assertThat(service.stats().revokeFailedResolved()).isEqualTo(1);
      assertThat(service.stats().outcomes()).containsEntry("CONFIRMED", 1L);
    }
    Alert alert = alerts(1).getFirst().value();
    assertThat(alert.getSeverity()).as("the catalogue's default").isEqualTo("critical");
    assertThat(alert.getRunbook()).isEqualTo("docs/runbooks.md#revoke-failed");
    List<ConsumerRecord<String, AlertResolution>> resolutions = KafkaTestSupport.readAll(kafka, resolutionsTopic,
        new StringDeserializer(),
        AvroSerdes.registry(kafka.get(GlasswatchSettings.REGISTRY_URL)).value(AlertResolution.class).deserializer(), 1, WAIT);
    assertThat(resolutions).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("req-late");
      assertThat(r.value().getAlertId()).isEqualTo(alert.getAlertId());
      assertThat(r.value().getAlertType()).isEqualTo("REVOKE_FAILED");
      assertThat(r.value().getKind()).isEqualTo("revoke_confirmed");
      assertThat(r.value().getEvidence()).containsExactly(late.getCommandId());
      assertThat(r.value().getReason()).contains("CONFIRMED");
    });
  }

  @Test
  void recordsEveryStepAndNamesOverlappingGrants() throws Exception {
    server.status("DescribeAccountAssignmentDeletionStatus", "IN_PROGRESS", null);
    RevokeCommand c = command("ok-" + commandsTopic, "req-a", SsoAdminRevokerWireTest.sampleAssignment());
    c.setAlsoRevokedRequestIds(List.of("req-b", "req-a"));
    produce(List.of(c, c));
    try (SsoAdminRevoker revoker = revoker(fast())) {
      RevokeService service = service(revoker, OverlappingGrants.FROM_COMMAND);
      Future<?> run = threads.submit(service);
      await().atMost(WAIT).until(() -> service.stats().executed() + service.stats().alreadyExecuted() == 2);
      service.close();
      run.get();
      assertThat(service.stats().executed()).isEqualTo(1);
      assertThat(service.stats().revokeFailedAlerts()).isZero();
    }
    List<RevokeResult> results = results(5);
    assertThat(inOrder(results)).extracting(RevokeResult::getStep)
        .containsExactly("command_received", "delete_requested", "status_polled");
    assertThat(inOrder(results)).extracting(RevokeResult::getStepSeq).containsExactly(1, 2, 3);
    assertThat(results).filteredOn(r -> r.getStep() == null).extracting(RevokeResult::getRequestId)
        .containsExactlyInAnyOrder("req-a", "req-b");
    assertThat(results).filteredOn(r -> r.getStep() == null).allSatisfy(r -> {
      assertThat(r.getOutcome()).isEqualTo("CONFIRMED");
      assertThat(r.getTimeToRevokeMillis()).isNotNull();
    });
    assertThat(results).filteredOn(r -> "req-a".equals(r.getRequestId()) && r.getStep() == null).singleElement()
        .satisfies(r -> assertThat(r.getAlsoRevokedRequestIds()).containsExactly("req-b"));
  }
}
