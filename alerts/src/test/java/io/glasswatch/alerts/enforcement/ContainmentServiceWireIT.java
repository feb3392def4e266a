package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.glasswatch.alerts.testing.SsoAdminWireServer;
import io.glasswatch.catalogue.PolicyAlerts;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.ContainResult;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
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
 * {@link ContainmentService} on real Kafka and Apicurio Registry against the SSO Admin wire-protocol
 * server: a confirmed revoke becomes a containment with its progress records and notice wording, the
 * CloudTrail watch confirms a denied call and raises CONTAINMENT_FAILED for a successful one, a restart
 * neither repeats the containment nor forgets its clean-up, and the policy's off switch and a
 * containment without target are recorded.
 */
class ContainmentServiceWireIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ACCOUNT = "123456789012";
  private static final String OTHERS = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Ops\",\"Effect\":\"Allow\","
      + "\"Action\":\"ec2:Describe*\",\"Resource\":\"*\"}]}";
  private static GlasswatchSettings kafka;

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private SsoAdminWireServer server;
  private ContainmentService.Options options;
  private AvroSerdes serdes;

  /** A wall clock the test can move forward. */
  static final class MovableClock extends Clock {
    final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    @Override
    public Instant instant() {
      return Instant.now().plus(offset.get());
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @BeforeAll
  static void stack() {
    kafka = TestStack.settings(Component.KAFKA, Component.REGISTRY);
  }

  @BeforeEach
  void start() throws Exception {
    server = new SsoAdminWireServer();
    serdes = AvroSerdes.registry(kafka.get(GlasswatchSettings.REGISTRY_URL));
    String prefix = KafkaTestSupport.uniqueTopic("c") + ".";
    options = ContainmentService.Options.defaults().prefixed(prefix, prefix + "group");
    options = new ContainmentService.Options(options.commandsTopic(), options.resultsTopic(), options.revokeResultsTopic(),
        options.alertsTopic(), options.cloudTrailTopic(), options.deadLetterTopic(), options.groupId(), 4,
        Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(1));
    KafkaTestSupport.createTopics(kafka, 2, options.commandsTopic(), options.resultsTopic(), options.revokeResultsTopic(),
        options.alertsTopic(), options.cloudTrailTopic(), options.deadLetterTopic());
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
    server.close();
  }

  private ContainmentService service(ContainmentPolicy policy, Clock clock) {
    return service(policy, clock, a -> {
      throw new AssertionError("no IAM call expected");
    }, options);
  }

  private ContainmentService service(ContainmentPolicy policy, Clock clock,
      java.util.function.Function<String, software.amazon.awssdk.services.iam.IamClient> iam,
      ContainmentService.Options opts) {
    GlasswatchSettings s = GlasswatchSettings.builder().set(GlasswatchSettings.SSO_ENDPOINT, server.endpoint().toString())
        .build();
    var client = SsoAdminClients.create(s, SsoAdminClients.Tuning.fast());
    SessionContainer c = new SessionContainer(SsoAdminClients.Source.of(client), iam, client::close,
        SessionContainer.Options.fast(Duration.ofSeconds(10)), clock);
    ContainmentService svc = new ContainmentService(kafka, c, policy, PolicyAlerts.defaults(), opts, clock);
    threads.submit(svc);
    return svc;
  }

  private <T extends SpecificRecord> void produce(String topic, String key, Class<T> type, T value) {
    try (KafkaProducer<String, T> p = new KafkaProducer<>(KafkaTestSupport.producerProperties(kafka),
        new StringSerializer(), serdes.value(type).serializer())) {
      p.send(new ProducerRecord<>(topic, key, value));
      p.flush();
    }
  }

  private <T extends SpecificRecord> List<ConsumerRecord<String, T>> read(String topic, Class<T> type, int atLeast) {
    return KafkaTestSupport.readAll(kafka, topic, new StringDeserializer(), serdes.value(type).deserializer(), atLeast, WAIT);
  }

  static AccountAssignment assignment() {
    return SsoAdminRevokerWireTest.sampleAssignment();
  }

  static RevokeResult confirmed(String commandId) {
    Instant now = Instant.now();
    return RevokeResult.newBuilder().setCommandId(commandId).setRequestId("req-7").setCorrelationId("req-7")
        .setAlertId("alert-7").setTrigger("alert").setAssignment(assignment()).setOutcome("CONFIRMED").setAttempts(1)
        .setCommandIssuedAt(now).setStartedAt(now).setCompletedAt(now).setTimeToRevokeMillis(900L).build();
  }

  static CloudTrailEvent call(String id, Instant at, Instant created, String errorCode) {
    String arn = "arn:aws:sts::" + ACCOUNT + ":assumed-role/AWSReservedSSO_BreakGlass_abc123/jdoe";
    return CloudTrailEvent.newBuilder().setEventID(id).setEventTime(at).setEventSource("s3.amazonaws.com")
        .setEventName("ListBuckets").setRecipientAccountId(ACCOUNT).setUserIdentityArn(arn).setAccessKeyId("ASIAOLD")
        .setErrorCode(errorCode).setRecord("{\"userIdentity\":{\"arn\":\"" + arn + "\",\"onBehalfOf\":{\"userId\":\""
            + assignment().getPrincipalId() + "\"},\"sessionContext\":{\"attributes\":{\"creationDate\":\"" + created
            + "\"}}}}").build();
  }

  private List<String> steps(String commandId) {
    return read(options.revokeResultsTopic(), RevokeResult.class, 1).stream().map(ConsumerRecord::value)
        .filter(r -> commandId.equals(r.getCommandId()) && r.getStep() != null)
        .sorted(java.util.Comparator.comparingInt(RevokeResult::getStepSeq)).map(RevokeResult::getStep).toList();
  }

  @Test
  void containsAfterARevokeConfirmsFromCloudTrailAndCleansUpAfterARestart() throws Exception {
    server.inlinePolicy(assignment().getPermissionSetArn(), OTHERS);
    MovableClock clock = new MovableClock();
    Instant sessionStart = Instant.now().minusSeconds(600);
    String id = "contain:rc-7";
    try (ContainmentService svc = service(ContainmentPolicy.defaults(), clock)) {
      produce(options.revokeResultsTopic(), "rc-7", RevokeResult.class, confirmed("rc-7"));

      ContainResult r = await().atMost(WAIT).until(() -> read(options.resultsTopic(), ContainResult.class, 0).stream()
          .map(ConsumerRecord::value).filter(x -> id.equals(x.getCommandId())).findFirst().orElse(null), x -> x != null);
      assertThat(r.getOutcome()).isEqualTo("CONTAINED");
      assertThat(r.getTrigger()).isEqualTo("revoke");
      assertThat(server.inlinePolicy(assignment().getPermissionSetArn())).startsWith(OTHERS.substring(0, OTHERS.length() - 2));
      await().atMost(WAIT).untilAsserted(() -> assertThat(steps(id)).containsSubsequence("contain_received",
          "contain_policy_written", "contain_provisioning", "contain_contained"));
      RevokeResult contained = read(options.revokeResultsTopic(), RevokeResult.class, 1).stream().map(ConsumerRecord::value)
          .filter(x -> "contain_contained".equals(x.getStep())).findFirst().orElseThrow();
      assertThat(contained.getMessage()).startsWith("Sessions contained in ").contains(" s: ");
      assertThat(contained.getOutcome()).isEqualTo("IN_PROGRESS");
      assertThat(io.glasswatch.alerts.oncall.Notices.ofRevokeResult(contained,
          io.glasswatch.alerts.oncall.Links.NONE).orElseThrow().title()).matches("Sessions contained in \\d+\\.\\d s");

      produce(options.cloudTrailTopic(), ACCOUNT, CloudTrailEvent.class,
          call("ev-denied", Instant.now(), sessionStart, "AccessDenied"));
      await().atMost(WAIT).untilAsserted(() -> assertThat(steps(id)).contains("contain_session_denied"));
      produce(options.cloudTrailTopic(), ACCOUNT, CloudTrailEvent.class,
          call("ev-allowed", Instant.now().plusSeconds(1), sessionStart, null));
      Alert failed = await().atMost(WAIT).until(() -> read(options.alertsTopic(), Alert.class, 0).stream()
          .map(ConsumerRecord::value).filter(a -> "CONTAINMENT_FAILED".equals(a.getAlertType())).findFirst()
          .orElse(null), a -> a != null);
      assertThat(failed.getSeverity()).isEqualTo("critical");
      assertThat(failed.getEvidence()).containsExactly("ev-allowed");
      assertThat(failed.getAlertId()).isEqualTo(ContainmentService.containmentFailedAlertId(id));
      assertThat(svc.pendingCleanups()).containsKey(id);
    }

    // a restart past the longest session: the revoke result is read again but not contained twice, and the
    // clean-up pending in contain-results is done
    clock.offset.set(Duration.ofHours(1).plusMinutes(1));
    try (ContainmentService again = service(ContainmentPolicy.defaults(), clock)) {
      ContainResult clean = await().atMost(WAIT).until(() -> read(options.resultsTopic(), ContainResult.class, 0).stream()
          .filter(x -> (id + "/cleanup").equals(x.key())).map(ConsumerRecord::value).findFirst().orElse(null),
          x -> x != null);
      assertThat(clean.getOutcome()).isEqualTo("CLEANED_UP");
      assertThat(server.inlinePolicy(assignment().getPermissionSetArn())).isEqualTo(OTHERS);
      assertThat(server.calls("PutInlinePolicyToPermissionSet")).hasSize(2);
      await().atMost(WAIT).untilAsserted(() -> assertThat(steps(id)).contains("contain_cleaned_up"));
      assertThat(again.pendingCleanups()).isEmpty();
    }
  }

  @Test
  void theAccountsOffSwitchRecordsASkipAndCallsNothing() {
    ContainmentPolicy off = ContainmentPolicy.parse("accounts:\n  \"" + ACCOUNT + "\": { containment: { enabled: false } }\n",
        "policy.yaml");
    try (ContainmentService svc = service(off, Clock.systemUTC())) {
      produce(options.revokeResultsTopic(), "rc-8", RevokeResult.class, confirmed("rc-8"));
      ContainResult r = await().atMost(WAIT).until(() -> read(options.resultsTopic(), ContainResult.class, 0).stream()
          .map(ConsumerRecord::value).filter(x -> "contain:rc-8".equals(x.getCommandId())).findFirst().orElse(null),
          x -> x != null);
      assertThat(r.getOutcome()).isEqualTo("DISABLED");
      assertThat(server.calls()).isEmpty();
      await().atMost(WAIT).untilAsserted(() -> assertThat(steps("contain:rc-8")).containsExactly("contain_skipped"));
    }
  }

  @Test
  void anEmergencyRoleAlertWithoutListedRolesFailsLoudly() {
    try (ContainmentService svc = service(ContainmentPolicy.defaults(), Clock.systemUTC())) {
      Instant now = Instant.now();
      Alert a = Alert.newBuilder().setAlertId("a-em").setAlertType("EMERGENCY_ROLE_WITHOUT_REQUEST").setSeverity("critical")
          .setCorrelationId("account:" + ACCOUNT).setAccountId(ACCOUNT).setSubject("mallory").setEvidence(List.of("ev-1"))
          .setDetectedAt(now).setEventTime(now).setSummary("AssumeRole of EmergencyAdmin without request")
          .setRunbook("docs/runbooks.md#x").build();
      produce(options.alertsTopic(), a.getCorrelationId(), Alert.class, a);
      Alert failed = await().atMost(WAIT).until(() -> read(options.alertsTopic(), Alert.class, 0).stream()
          .map(ConsumerRecord::value).filter(x -> "CONTAINMENT_FAILED".equals(x.getAlertType())).findFirst()
          .orElse(null), x -> x != null);
      assertThat(failed.getSummary()).contains("no permission set or emergency role is known");
      assertThat(svc.stats().failed()).isEqualTo(1);
    }
  }

  private static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/EmergencyAdmin";

  private static Alert emergencyAlert(String id) {
    Instant now = Instant.now();
    return Alert.newBuilder().setAlertId(id).setAlertType("EMERGENCY_ROLE_WITHOUT_REQUEST").setSeverity("critical")
        .setCorrelationId("account:" + ACCOUNT).setAccountId(ACCOUNT).setSubject("mallory").setEvidence(List.of("ev-1"))
        .setDetectedAt(now).setEventTime(now).setSummary("AssumeRole of EmergencyAdmin without request")
        .setRunbook("docs/runbooks.md#x").build();
  }

  private List<ContainResult> results(String key) {
    return read(options.resultsTopic(), ContainResult.class, 0).stream().filter(x -> key.equals(x.key()))
        .map(ConsumerRecord::value).toList();
  }

  @Test
  void anAlertsContainmentCutShortByCloseIsReadAgainAndRunOnceByTheNextService() throws Exception {
    ContainmentPolicy roles = ContainmentPolicy.parse("emergencyRoles:\n  - " + ROLE + "\n", "policy.yaml");
    FakeIam iam = new FakeIam();
    iam.block();
    String id = "contain:a-cut:EmergencyAdmin";
    ContainmentService.Options quick = options.withCloseTimeout(Duration.ofMillis(300));
    ContainmentService first = service(roles, Clock.systemUTC(), a -> iam, quick);
    produce(options.alertsTopic(), "account:" + ACCOUNT, Alert.class, emergencyAlert("a-cut"));
    await().atMost(WAIT).until(() -> iam.putsStarted.get() >= 1);
    first.close(); // the containment is in PutRolePolicy: cut short, as by a crash

    assertThat(results(id)).isEmpty();
    assertThat(committedPastTheAlert()).isFalse();
    String cutShort = iam.document();
    assertThat(InlinePolicyText.sids(cutShort)).hasSize(1);
    assertThat(read(options.alertsTopic(), Alert.class, 1).stream().map(x -> x.value().getAlertType()))
        .doesNotContain("CONTAINMENT_FAILED");
    iam.unblock();
    try (ContainmentService second = service(roles, Clock.systemUTC(), a -> iam, options)) {
      ContainResult r = await().atMost(WAIT).until(() -> results(id).stream().findFirst().orElse(null), x -> x != null);
      assertThat(r.getOutcome()).isEqualTo("CONTAINED");
      assertThat(r.getTargetArn()).isEqualTo(ROLE);
      // the statement the first service wrote is replaced by the second's, with its later deny time
      assertThat(InlinePolicyText.sids(iam.document())).containsExactly(r.getStatementSid());
      assertThat(iam.document()).isNotEqualTo(cutShort);
      assertThat(second.stats().contained()).isEqualTo(1);
      // the alert's offset is committed once its containment is recorded
      await().atMost(WAIT).until(this::committedPastTheAlert);
    }
    assertThat(results(id)).hasSize(1);
    assertThat(iam.putsStarted.get()).isEqualTo(2);
  }

  /** Whether the service's group committed an offset past the (only) record of the alerts topic. */
  private boolean committedPastTheAlert() throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        KafkaTestSupport.adminProperties(kafka))) {
      var offsets = admin.listConsumerGroupOffsets(options.groupId()).partitionsToOffsetAndMetadata()
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
      return offsets.entrySet().stream().anyMatch(e -> e.getKey().topic().equals(options.alertsTopic())
          && e.getValue() != null && e.getValue().offset() > 0);
    }
  }

  @Test
  void theCloudTrailWatchResumesWhereItStoppedAndJudgesCallsMadeWhileTheServiceWasDown() {
    server.inlinePolicy(assignment().getPermissionSetArn(), OTHERS);
    Instant sessionStart = Instant.now().minusSeconds(600);
    String id = "contain:rc-down";
    try (ContainmentService svc = service(ContainmentPolicy.defaults(), Clock.systemUTC())) {
      produce(options.revokeResultsTopic(), "rc-down", RevokeResult.class, confirmed("rc-down"));
      await().atMost(WAIT).until(() -> results(id).stream().anyMatch(r -> "CONTAINED".equals(r.getOutcome())));
      produce(options.cloudTrailTopic(), ACCOUNT, CloudTrailEvent.class,
          call("ev-denied", Instant.now(), sessionStart, "AccessDenied"));
      await().atMost(WAIT).untilAsserted(() -> assertThat(steps(id)).contains("contain_session_denied"));
    }
    // while no service runs, a contained session makes a successful call
    produce(options.cloudTrailTopic(), ACCOUNT, CloudTrailEvent.class,
        call("ev-while-down", Instant.now().plusSeconds(1), sessionStart, null));
    try (ContainmentService again = service(ContainmentPolicy.defaults(), Clock.systemUTC())) {
      Alert failed = await().atMost(WAIT).until(() -> read(options.alertsTopic(), Alert.class, 0).stream()
          .map(ConsumerRecord::value).filter(a -> "CONTAINMENT_FAILED".equals(a.getAlertType())).findFirst()
          .orElse(null), a -> a != null);
      assertThat(failed.getEvidence()).containsExactly("ev-while-down");
      // resumed from the committed offset: the call judged before the restart is not judged again
      await().during(Duration.ofSeconds(2)).atMost(WAIT).untilAsserted(() -> assertThat(
          read(options.revokeResultsTopic(), RevokeResult.class, 1).stream().map(ConsumerRecord::value)
              .filter(x -> "contain_session_denied".equals(x.getStep()))).hasSize(1));
    }
  }

  @Test
  void aFirstStartOfTheCloudTrailWatchBeginsAtTheEarliestDenyTimeStillWatched() {
    server.inlinePolicy(assignment().getPermissionSetArn(), OTHERS);
    Instant sessionStart = Instant.now().minusSeconds(600);
    String id = "contain:rc-first";
    produce(options.cloudTrailTopic(), ACCOUNT, CloudTrailEvent.class,
        call("ev-before", Instant.now().minusSeconds(5), sessionStart, null));
    try (ContainmentService svc = service(ContainmentPolicy.defaults(), Clock.systemUTC())) {
      produce(options.revokeResultsTopic(), "rc-first", RevokeResult.class, confirmed("rc-first"));
      await().atMost(WAIT).until(() -> results(id).stream().anyMatch(r -> "CONTAINED".equals(r.getOutcome())));
    }
    produce(options.cloudTrailTopic(), ACCOUNT, CloudTrailEvent.class,
        call("ev-after", Instant.now().plusSeconds(1), sessionStart, null));
    // another group: its watch has no committed offset and starts at the containment's deny time, so the call
    // made before its start is judged and the record stamped before the deny time is not read
    ContainmentService.Options other = options.prefixed("", options.groupId() + "-b");
    try (ContainmentService fresh = service(ContainmentPolicy.defaults(), Clock.systemUTC(), a -> {
      throw new AssertionError("no IAM call expected");
    }, other)) {
      Alert failed = await().atMost(WAIT).until(() -> read(options.alertsTopic(), Alert.class, 0).stream()
          .map(ConsumerRecord::value).filter(a -> "CONTAINMENT_FAILED".equals(a.getAlertType())).findFirst()
          .orElse(null), a -> a != null);
      assertThat(failed.getEvidence()).containsExactly("ev-after");
      assertThat(fresh.stats().contained()).isZero();
    }
  }

  /**
   * An IAM client holding one role's inline policy; PutRolePolicy can be held, after the write, until released or
   * interrupted (a crash between the write and its answer).
   */
  static final class FakeIam implements software.amazon.awssdk.services.iam.IamClient {
    final java.util.concurrent.atomic.AtomicInteger putsStarted = new java.util.concurrent.atomic.AtomicInteger();
    private volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);
    private volatile String document;

    void block() {
      gate = new java.util.concurrent.CountDownLatch(1);
    }

    void unblock() {
      gate.countDown();
    }

    String document() {
      return document;
    }

    @Override
    public software.amazon.awssdk.services.iam.model.GetRoleResponse getRole(
        software.amazon.awssdk.services.iam.model.GetRoleRequest r) {
      return software.amazon.awssdk.services.iam.model.GetRoleResponse.builder().role(b -> b.roleName(r.roleName())
          .arn(ROLE).path("/").roleId("AROAEXAMPLE").createDate(Instant.EPOCH).maxSessionDuration(3600)).build();
    }

    @Override
    public software.amazon.awssdk.services.iam.model.GetRolePolicyResponse getRolePolicy(
        software.amazon.awssdk.services.iam.model.GetRolePolicyRequest r) {
      String d = document;
      if (d == null) {
        throw software.amazon.awssdk.services.iam.model.NoSuchEntityException.builder().message("no policy").build();
      }
      return software.amazon.awssdk.services.iam.model.GetRolePolicyResponse.builder().roleName(r.roleName())
          .policyName(r.policyName()).policyDocument(d).build();
    }

    @Override
    public software.amazon.awssdk.services.iam.model.PutRolePolicyResponse putRolePolicy(
        software.amazon.awssdk.services.iam.model.PutRolePolicyRequest r) {
      putsStarted.incrementAndGet();
      document = r.policyDocument(); // written; while blocked, the answer is not yet back
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw software.amazon.awssdk.core.exception.AbortedException.builder().message("interrupted").build();
      }
      return software.amazon.awssdk.services.iam.model.PutRolePolicyResponse.builder().build();
    }

    @Override
    public software.amazon.awssdk.services.iam.model.DeleteRolePolicyResponse deleteRolePolicy(
        software.amazon.awssdk.services.iam.model.DeleteRolePolicyRequest r) {
      document = null;
      return software.amazon.awssdk.services.iam.model.DeleteRolePolicyResponse.builder().build();
    }

    @Override
    public String serviceName() {
      return "iam";
    }

    @Override
    public void close() {}
  }
}
