package io.glasswatch.benchmarks;

import io.glasswatch.alerts.enforcement.OverlappingGrants;
import io.glasswatch.alerts.enforcement.RevokeService;
import io.glasswatch.alerts.enforcement.RevokeSettings;
import io.glasswatch.alerts.enforcement.SsoAdminClients;
import io.glasswatch.alerts.enforcement.SsoAdminRevoker;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.StreamsService;
import io.glasswatch.streams.StreamsSettings;
import io.glasswatch.streams.policy.Policy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.PrincipalType;
import software.amazon.awssdk.services.ssoadmin.model.TargetType;

/**
 * Revoke latency benchmark: the real {@link RevokeService} (production options, {@link SsoAdminRevoker}
 * with the production timing and SDK tuning) executing revoke commands from a {@code revoke-commands}
 * topic against moto's IAM Identity Center, on the benchmark's own Kafka, Apicurio Registry and moto
 * (started from the local stack under the work directory and on the benchmark's ports, stopped at the
 * end if started here).
 *
 * <p>Sequence: fresh topics under a run prefix ({@code revoke-commands}, {@code revoke-results},
 * {@code alerts}, {@code dead-letter}, 3 partitions each); one account assignment per command created
 * in moto with {@code CreateAccountAssignment} ({@code commands} principals spread round-robin over
 * {@code accounts} accounts, one permission set); the service started and given its partitions; then
 * the commands produced at a steady rate, each stamped at production with {@code issuedAt} =
 * {@code detectedAtWallClock} = now (the moment the streams app would have detected the violation and
 * issued the command). The final results ({@code step} null) are read from {@code revoke-results}:
 *
 * <ul>
 *   <li>detection → delete: {@code deleteRequestedAt − detectedAtWallClock}, the wall-clock time
 *       {@code DeleteAccountAssignment} was accepted;
 *   <li>detection → confirmed: {@code completedAt − detectedAtWallClock} (= {@code timeToRevokeMillis}),
 *       after the deletion status was SUCCEEDED and {@code ListAccountAssignments} no longer lists the
 *       principal.
 * </ul>
 *
 * <p>With {@code --pipeline} the commands are not produced by the benchmark: the real streams app
 * ({@link StreamsService}, exactly-once, wall-clock deadlines, every topic under the run prefix) stands
 * between gateway events and the revoke service. Each assignment belongs to a compliant JIT request
 * (request, two approvals, grant naming it); once those are processed, one violating event per request
 * (an approval by the request's own subject: SELF_APPROVAL, which revokes) is produced at the rate.
 * Detection is then the {@code detectedAtWallClock} the streams app stamped on the command, so both
 * figures include the two exactly-once commits between detection and the revoke service (stage A to
 * the {@code revoke-orders-by-account} repartition, stage B to {@code revoke-commands}); a third figure
 * runs from the violating event's production.
 *
 * All latencies are milliseconds; percentiles are nearest-rank ({@link LatencyStats}). Every command must
 * end CONFIRMED and every assignment must be gone from moto, otherwise the run fails (exit 1).
 * Topics and the consumer group are deleted at the end.
 *
 * <p>Usage: {@code RevokeLatencyBenchmark [--commands 200] [--accounts 50] [--rate 20] [--kafka-port 21292]
 * [--registry-port 21281] [--moto-port 21700] [--work-dir .glasswatch/bench-revoke] [--keep-stack] [--pipeline] [--commit-interval 100]}
 * ({@code --rate} in commands per second).
 */
public final class RevokeLatencyBenchmark {
  private static final String INSTANCE = "arn:aws:sso:::instance/ssoins-bench000000000001";
  private static final String PERMISSION_SET = "arn:aws:sso:::permissionSet/ssoins-bench000000000001/ps-bench00000000001";

  /** Target p99 detection → {@code DeleteAccountAssignment} accepted, ms. */
  static final long TARGET_DELETE_P99_MILLIS = 500;

  /** Target p99 detection → confirmed, ms. */
  static final long TARGET_CONFIRMED_P99_MILLIS = 2000;

  /**
   * Options of a run.
   *
   * @param commands revoke commands (and assignments), at least 1
   * @param accounts distinct 12-digit account ids, at least 1
   * @param rate commands produced per second, positive
   * @param kafkaPort the benchmark Kafka's port
   * @param registryPort the benchmark registry's port
   * @param motoPort the benchmark moto's port
   * @param workDir scratch directory (the stack lives under {@code stack/})
   * @param keepStack leave components started here running
   * @param pipeline detect the violations in the streams app instead of producing the commands (see the
   *     class comment)
   * @param commitInterval the streams app's {@code commit.interval.ms} in pipeline mode (default: the
   *     production default)
   */
  record Options(int commands, int accounts, double rate, int kafkaPort, int registryPort, int motoPort, Path workDir,
      boolean keepStack, boolean pipeline, Duration commitInterval) {
    static Options parse(String[] args) {
      int commands = 200;
      int accounts = 50;
      double rate = 20;
      int kafka = 21292;
      int registry = 21281;
      int moto = 21700;
      Path work = Path.of(".glasswatch/bench-revoke");
      boolean keep = false;
      boolean pipeline = false;
      Duration commitInterval = StreamsSettings.DEFAULT_COMMIT_INTERVAL;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--commands" -> commands = Integer.parseInt(args[++i]);
          case "--accounts" -> accounts = Integer.parseInt(args[++i]);
          case "--rate" -> rate = Double.parseDouble(args[++i]);
          case "--kafka-port" -> kafka = Integer.parseInt(args[++i]);
          case "--registry-port" -> registry = Integer.parseInt(args[++i]);
          case "--moto-port" -> moto = Integer.parseInt(args[++i]);
          case "--work-dir" -> work = Path.of(args[++i]);
          case "--keep-stack" -> keep = true;
          case "--pipeline" -> pipeline = true;
          case "--commit-interval" -> commitInterval = Duration.ofMillis(Long.parseLong(args[++i]));
          default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --commands N --accounts N "
              + "--rate PER_SECOND --kafka-port P --registry-port P --moto-port P --work-dir DIR --keep-stack --pipeline --commit-interval MS");
        }
      }
      if (commands < 1 || accounts < 1 || !(rate > 0)) {
        throw new IllegalArgumentException("--commands and --accounts must be at least 1, --rate positive");
      }
      return new Options(commands, accounts, rate, kafka, registry, moto, work.toAbsolutePath(), keep, pipeline,
          commitInterval);
    }
  }

  /**
   * What a run measured.
   *
   * @param toDelete detection → {@code DeleteAccountAssignment} accepted, ms
   * @param toConfirmed detection → confirmed, ms
   * @param outcomes final results per outcome
   * @param produceSeconds wall time of producing the commands, s
   */
  record Result(LatencyStats toDelete, LatencyStats toConfirmed, Map<String, Long> outcomes, double produceSeconds) {}

  private final Options options;
  private final PrintStream out;

  RevokeLatencyBenchmark(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /**
   * Runs the benchmark and prints the figures.
   *
   * @param args see the class comment
   * @throws Exception when the stack cannot start or the run fails
   */
  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Result r = new RevokeLatencyBenchmark(o, System.out).run();
    boolean ok = r.outcomes().getOrDefault("CONFIRMED", 0L) == o.commands();
    System.exit(ok ? 0 : 1);
  }

  Result run() throws Exception {
    return LatencyStack.run(options.workDir(), options.kafkaPort(), options.registryPort(), options.motoPort(), 29301,
        options.keepStack(), out, (stack, settings) -> measure(settings));
  }

  private static String account(int i) {
    return String.format(Locale.ROOT, "%012d", 300000000000L + i);
  }

  private Result measure(GlasswatchSettings settings) throws Exception {
    String bootstrap = settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP);
    String prefix = "bench-revoke-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    String commandsTopic = prefix + Topics.REVOKE_COMMANDS;
    String resultsTopic = prefix + Topics.REVOKE_RESULTS;
    String alertsTopic = prefix + Topics.ALERTS;
    String deadLetterTopic = prefix + Topics.DEAD_LETTER;
    String group = prefix + RevokeService.GROUP_ID;
    String registryUrl = settings.get(GlasswatchSettings.REGISTRY_URL);
    Properties adminProps = new Properties();
    adminProps.put("bootstrap.servers", bootstrap);
    int n = options.commands();
    List<String> topics = options.pipeline() ? Topics.all().stream().map(t -> prefix + t).toList()
        : List.of(commandsTopic, resultsTopic, alertsTopic, deadLetterTopic);
    LatencyStack.createTopics(settings, topics);
    out.printf(Locale.ROOT, "%n== Revoke latency: %d revoke commands over %d accounts at %.1f commands/s, real RevokeService "
        + "against moto's IAM Identity Center (%s)%n", n, options.accounts(), options.rate(),
        settings.get(GlasswatchSettings.SSO_ENDPOINT));
    try (Admin admin = Admin.create(adminProps)) {
      try {
        return measure(settings, n, prefix, commandsTopic, resultsTopic, alertsTopic, deadLetterTopic, group, registryUrl);
      } finally {
        try {
          admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
          admin.deleteConsumerGroups(List.of(group)).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
          out.println("  (clean-up incomplete: " + e.getMessage() + ")");
        }
      }
    }
  }

  private Result measure(GlasswatchSettings settings, int n, String prefix, String commandsTopic, String resultsTopic,
      String alertsTopic, String deadLetterTopic, String group, String registryUrl) throws Exception {
    // real assignments first
    List<AccountAssignment> assignments = new ArrayList<>(n);
    String run = UUID.randomUUID().toString().substring(0, 6);
    long c0 = System.nanoTime();
    try (SsoAdminClient sso = SsoAdminClients.create(settings, SsoAdminClients.Tuning.defaults())) {
      for (int i = 0; i < n; i++) {
        AccountAssignment a = AccountAssignment.newBuilder().setInstanceArn(INSTANCE).setAccountId(account(i % options.accounts()))
            .setPermissionSetArn(PERMISSION_SET).setPrincipalType("USER").setPrincipalId("bench-" + run + "-" + i).build();
        sso.createAccountAssignment(b -> b.instanceArn(INSTANCE).targetId(a.getAccountId()).targetType(TargetType.AWS_ACCOUNT)
            .permissionSetArn(PERMISSION_SET).principalType(PrincipalType.USER).principalId(a.getPrincipalId()));
        assignments.add(a);
      }
    }
    out.printf(Locale.ROOT, "  created %d account assignments in moto in %.1f s%n", n, (System.nanoTime() - c0) / 1e9);

    RevokeSettings revokeSettings = RevokeSettings.from(settings);
    RevokeService.Options serviceOptions = LatencyStack.revokeOptions(prefix).withParallelism(revokeSettings.parallelism());
    Map<String, RevokeResult> finals = new HashMap<>();
    Map<String, Long> eventSentAt = new HashMap<>();
    double produceSeconds;
    try (SsoAdminRevoker revoker = SsoAdminRevoker.fromSettings(settings);
        RevokeService service = new RevokeService(settings, revoker, serviceOptions, OverlappingGrants.FROM_COMMAND,
            revokeSettings.policy())) {
      if (revoker.isDryRun()) {
        throw new IllegalStateException("the revoker is a dry run: " + revoker);
      }
      Thread worker = Thread.ofPlatform().name("bench-revoke-service").daemon().start(service);
      // warm-up: one command through the whole path, so the measured commands meet a running consumer
      try (KafkaProducer<String, RevokeCommand> producer = producer(settings, registryUrl);
          KafkaConsumer<String, byte[]> results = resultsConsumer(settings, resultsTopic)) {
        var deserializer = AvroSerdes.registry(registryUrl).value(RevokeResult.class).deserializer();
        String warmupId = "bench-warmup-" + UUID.randomUUID();
        RevokeCommand warmup = command(warmupId, assignmentOf("bench-warmup-" + run), Instant.now());
        producer.send(new ProducerRecord<>(commandsTopic, warmupId, warmup)).get();
        awaitFinals(results, deserializer, resultsTopic, Set.of(warmupId), new HashMap<>(), Duration.ofMinutes(2));
        out.println("  revoke service running (warm-up command answered); "
            + (options.pipeline() ? "starting the streams app" : "producing the measured commands"));

        if (options.pipeline()) {
          produceSeconds = throughStreamsApp(settings, prefix, registryUrl, run, assignments, results, deserializer,
              resultsTopic, finals, eventSentAt);
        } else {
          long interval = (long) (1e9 / options.rate());
          long start = System.nanoTime();
          Set<String> ids = new java.util.HashSet<>();
          for (int i = 0; i < n; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
              TimeUnit.NANOSECONDS.sleep(wait);
            }
            String id = "bench-" + run + "-cmd-" + i;
            ids.add(id);
            producer.send(new ProducerRecord<>(commandsTopic, id, command(id, assignments.get(i), Instant.now())));
          }
          producer.flush();
          produceSeconds = (System.nanoTime() - start) / 1e9;
          awaitFinals(results, deserializer, resultsTopic, ids, finals, Duration.ofMinutes(5));
        }
      }
      if (!worker.isAlive()) {
        throw new IllegalStateException("the revoke service stopped");
      }
    }

    List<Long> toDelete = new ArrayList<>();
    List<Long> toConfirmed = new ArrayList<>();
    List<Long> eventToDelete = new ArrayList<>();
    Map<String, Long> outcomes = new TreeMap<>();
    for (RevokeResult r : finals.values()) {
      outcomes.merge(r.getOutcome(), 1L, Long::sum);
      if (!"CONFIRMED".equals(r.getOutcome())) {
        out.println("  not confirmed: " + r.getCommandId() + " " + r.getOutcome() + " " + r.getFailureReason());
        continue;
      }
      // detection: the command's detectedAtWallClock, from which timeToRevokeMillis runs
      long detected = r.getCompletedAt().toEpochMilli() - r.getTimeToRevokeMillis();
      toDelete.add(r.getDeleteRequestedAt().toEpochMilli() - detected);
      toConfirmed.add(r.getCompletedAt().toEpochMilli() - detected);
      Long sent = eventSentAt.get(r.getRequestId());
      if (sent != null) {
        eventToDelete.add(r.getDeleteRequestedAt().toEpochMilli() - sent);
      }
    }
    long stillAssigned;
    try (SsoAdminClient sso = SsoAdminClients.create(settings, SsoAdminClients.Tuning.defaults())) {
      Set<String> principals = assignments.stream().map(AccountAssignment::getPrincipalId).collect(Collectors.toSet());
      stillAssigned = assignments.stream().map(AccountAssignment::getAccountId).distinct()
          .flatMap(acct -> sso.listAccountAssignmentsPaginator(b -> b.instanceArn(INSTANCE).accountId(acct)
              .permissionSetArn(PERMISSION_SET)).accountAssignments().stream())
          .filter(a -> principals.contains(a.principalId())).count();
    }
    out.printf(Locale.ROOT, "  produced %d commands in %.1f s (%.1f/s); outcomes %s; assignments still listed in moto: %d%n", n,
        produceSeconds, n / produceSeconds, outcomes, stillAssigned);
    if (toDelete.isEmpty()) {
      throw new IllegalStateException("no command was confirmed: " + outcomes);
    }
    LatencyStats del = LatencyStats.of(toDelete);
    LatencyStats conf = LatencyStats.of(toConfirmed);
    out.printf(Locale.ROOT, "  detection -> DeleteAccountAssignment accepted: %s  [target p99 < %d ms: %s]%n", del.describe(),
        TARGET_DELETE_P99_MILLIS, del.p99Millis() < TARGET_DELETE_P99_MILLIS ? "met" : "MISSED");
    out.printf(Locale.ROOT, "  detection -> confirmed (not listed any more): %s  [target p99 < %d ms: %s]%n", conf.describe(),
        TARGET_CONFIRMED_P99_MILLIS, conf.p99Millis() < TARGET_CONFIRMED_P99_MILLIS ? "met" : "MISSED");
    if (!eventToDelete.isEmpty()) {
      out.printf(Locale.ROOT, "  violating gateway event produced -> DeleteAccountAssignment accepted: %s%n",
          LatencyStats.of(eventToDelete).describe());
    }
    if (stillAssigned > 0) {
      outcomes.put("STILL_LISTED", stillAssigned);
    }
    return new Result(del, conf, outcomes, produceSeconds);
  }

  private static AccountAssignment assignmentOf(String principal) {
    return AccountAssignment.newBuilder().setInstanceArn(INSTANCE).setAccountId(account(999))
        .setPermissionSetArn(PERMISSION_SET).setPrincipalType("USER").setPrincipalId(principal).build();
  }

  private static RevokeCommand command(String id, AccountAssignment a, Instant now) {
    return RevokeCommand.newBuilder().setCommandId(id).setRequestId("JIT-" + id).setCorrelationId("JIT-" + id)
        .setAlertId("alert-" + id).setTrigger("alert").setReason("benchmark: policy violation").setAssignment(a)
        .setIssuedAt(now).setDetectedAtWallClock(now).build();
  }

  private static KafkaProducer<String, RevokeCommand> producer(GlasswatchSettings s, String registryUrl) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return new KafkaProducer<>(p, new StringSerializer(), AvroSerdes.registry(registryUrl).value(RevokeCommand.class).serializer());
  }

  private static KafkaConsumer<String, byte[]> resultsConsumer(GlasswatchSettings s, String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", s.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    p.put("enable.auto.commit", "false");
    p.put("isolation.level", "read_committed");
    KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    c.assign(parts);
    c.seekToBeginning(parts);
    return c;
  }

  private static void awaitFinals(KafkaConsumer<String, byte[]> consumer,
      org.apache.kafka.common.serialization.Deserializer<RevokeResult> deserializer, String topic, Set<String> ids,
      Map<String, RevokeResult> into, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!into.keySet().containsAll(ids)) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("only " + into.keySet().stream().filter(ids::contains).count() + " of " + ids.size()
            + " final results within " + timeout);
      }
      for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
        RevokeResult r = deserializer.deserialize(topic, rec.value());
        if (r != null && r.getStep() == null && ids.contains(r.getCommandId())) {
          into.put(r.getCommandId(), r);
        }
      }
    }
  }

  /**
   * The pipeline mode: the real streams app ({@link StreamsService}, production settings, exactly-once,
   * topics under {@code prefix}) between the gateway events and the revoke service. Each assignment gets
   * a compliant JIT request (request, two approvals, a grant naming the assignment); once the streams app
   * has processed them all, the measured phase produces, at the configured rate, one violating event per
   * request: an approval by the request's own subject after the grant (SELF_APPROVAL, whose default
   * policy revokes). Stage A decides it and its command travels through stage B to the revoke service.
   *
   * @return seconds spent producing the violating events
   */
  private double throughStreamsApp(GlasswatchSettings settings, String prefix, String registryUrl, String run,
      List<AccountAssignment> assignments, KafkaConsumer<String, byte[]> results,
      org.apache.kafka.common.serialization.Deserializer<RevokeResult> deserializer, String resultsTopic,
      Map<String, RevokeResult> finals, Map<String, Long> eventSentAt) throws Exception {
    String bootstrap = settings.get(GlasswatchSettings.KAFKA_BOOTSTRAP);
    String appId = prefix + "glasswatch";
    StreamsSettings streams = new StreamsSettings(appId, bootstrap, options.workDir().resolve("state-" + run),
        Policy.defaults(), 0, options.commitInterval(), StreamsSettings.EXACTLY_ONCE_V2, 1,
        StreamsSettings.DEFAULT_MAX_TASK_IDLE, prefix, true);
    String gatewayTopic = prefix + Topics.GATEWAY_EVENTS;
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    try (StreamsService app = new StreamsService(streams, AvroSerdes.registry(registryUrl));
        KafkaProducer<String, GatewayEvent> gateway = new KafkaProducer<>(pp, new StringSerializer(),
            AvroSerdes.registry(registryUrl).value(GatewayEvent.class).serializer())) {
      app.start();
      if (!app.awaitRunning(Duration.ofMinutes(2))) {
        throw new IllegalStateException("the streams app did not reach RUNNING: " + app.state(), app.failure());
      }
      // the compliant lifecycles, one per assignment; the warm-up request goes through the whole path first
      Instant t0 = Instant.now().minusSeconds(60);
      Instant expiresAt = Instant.now().plus(Duration.ofHours(1));
      AccountAssignment warmAssignment = assignmentOf("bench-warmup-pipeline-" + run);
      try (SsoAdminClient sso = SsoAdminClients.create(settings, SsoAdminClients.Tuning.defaults())) {
        sso.createAccountAssignment(b -> b.instanceArn(INSTANCE).targetId(warmAssignment.getAccountId())
            .targetType(TargetType.AWS_ACCOUNT).permissionSetArn(PERMISSION_SET).principalType(PrincipalType.USER)
            .principalId(warmAssignment.getPrincipalId()));
      }
      String warmRequest = "JIT-" + run + "-warmup";
      for (GatewayEvent e : lifecycle(warmRequest, "warmup-" + run + "@example.com", warmAssignment, t0, expiresAt)) {
        gateway.send(new ProducerRecord<>(gatewayTopic, warmRequest, e));
      }
      gateway.send(new ProducerRecord<>(gatewayTopic, warmRequest,
          selfApproval(warmRequest, "warmup-" + run + "@example.com", Instant.now()))).get();
      awaitFinalsOfRequests(results, deserializer, resultsTopic, Set.of(warmRequest), new HashMap<>(), Duration.ofMinutes(2));
      out.printf(Locale.ROOT, "  streams app running (commit.interval.ms=%d; warm-up violation detected and revoked);"
          + " producing the lifecycles%n", options.commitInterval().toMillis());
      for (int i = 0; i < assignments.size(); i++) {
        String requestId = "JIT-" + run + "-" + i;
        for (GatewayEvent e : lifecycle(requestId, subject(run, i), assignments.get(i), t0.plusMillis(i), expiresAt)) {
          gateway.send(new ProducerRecord<>(gatewayTopic, requestId, e));
        }
      }
      gateway.flush();
      awaitProcessed(bootstrap, appId, gatewayTopic, Duration.ofMinutes(5));
      out.println("  streams app processed the lifecycles; producing one violation per request");

      long interval = (long) (1e9 / options.rate());
      long start = System.nanoTime();
      Set<String> requests = new java.util.HashSet<>();
      for (int i = 0; i < assignments.size(); i++) {
        long wait = start + i * interval - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        String requestId = "JIT-" + run + "-" + i;
        requests.add(requestId);
        eventSentAt.put(requestId, System.currentTimeMillis());
        gateway.send(new ProducerRecord<>(gatewayTopic, requestId, selfApproval(requestId, subject(run, i), Instant.now())));
      }
      gateway.flush();
      double seconds = (System.nanoTime() - start) / 1e9;
      awaitFinalsOfRequests(results, deserializer, resultsTopic, requests, finals, Duration.ofMinutes(5));
      return seconds;
    }
  }

  private static String subject(String run, int i) {
    return "engineer-" + run + "-" + i + "@example.com";
  }

  /** A compliant JIT lifecycle up to the grant: request, two approvals of the required roles, grant. */
  private static List<GatewayEvent> lifecycle(String requestId, String subject, AccountAssignment a, Instant at,
      Instant expiresAt) {
    return List.of(
        gatewayEvent("request", requestId, at).setSubject(subject).setAccountId(a.getAccountId()).setKind("jit")
            .setJustification("benchmark incident").setTicketId("INC-" + requestId)
            .setScope(List.of("break_glass:elevated")).build(),
        gatewayEvent("approval", requestId, at.plusMillis(100)).setApprover("ic@example.com")
            .setApproverRole("incident_command").setApproverAcr("loa2").build(),
        gatewayEvent("approval", requestId, at.plusMillis(200)).setApprover("sec@example.com")
            .setApproverRole("security").setApproverAcr("loa3").build(),
        gatewayEvent("grant", requestId, at.plusMillis(300)).setTokenFingerprint(Hashing.tokenFingerprint("tok-" + requestId))
            .setExpiresAt(expiresAt).setSingleUse(false).setAccountId(a.getAccountId()).setAssignment(a).build());
  }

  /** An approval of a granted request by its own subject: SELF_APPROVAL. */
  private static GatewayEvent selfApproval(String requestId, String subject, Instant at) {
    return gatewayEvent("approval", requestId, at).setApprover(subject).setApproverRole("security")
        .setApproverAcr("loa3").build();
  }

  private static GatewayEvent.Builder gatewayEvent(String type, String requestId, Instant at) {
    return GatewayEvent.newBuilder().setType(type).setRequestId(requestId).setTimestamp(at)
        .setSourceDigest(Hashing.sha256Hex(type + "|" + requestId + "|" + at.toEpochMilli()));
  }

  /** Waits until the consumer group {@code group} has committed the end of every partition of {@code topic}. */
  private static void awaitProcessed(String bootstrap, String group, String topic, Duration timeout) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(p)) {
      var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
          .partitions().stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      var ends = admin.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp,
          tp -> org.apache.kafka.clients.admin.OffsetSpec.latest()))).all().get(30, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        boolean done = partitions.stream().allMatch(tp -> committed.get(tp) != null
            && committed.get(tp).offset() >= ends.get(tp).offset());
        if (done) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the streams app did not process " + topic + " within " + timeout);
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
  }

  private static void awaitFinalsOfRequests(KafkaConsumer<String, byte[]> consumer,
      org.apache.kafka.common.serialization.Deserializer<RevokeResult> deserializer, String topic, Set<String> requests,
      Map<String, RevokeResult> into, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    Map<String, RevokeResult> byRequest = new HashMap<>();
    while (!byRequest.keySet().containsAll(requests)) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("only " + byRequest.size() + " of " + requests.size()
            + " requests got a final revoke result within " + timeout);
      }
      for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
        RevokeResult r = deserializer.deserialize(topic, rec.value());
        if (r != null && r.getStep() == null && "alert".equals(r.getTrigger()) && requests.contains(r.getRequestId())
            && !rec.key().contains("/also/")) {
          byRequest.put(r.getRequestId(), r);
          into.put(r.getCommandId(), r);
        }
      }
    }
  }
}
