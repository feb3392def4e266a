package io.glasswatch.benchmarks;

import io.glasswatch.alerts.enforcement.ContainmentPolicy;
import io.glasswatch.alerts.enforcement.ContainmentService;
import io.glasswatch.alerts.enforcement.OverlappingGrants;
import io.glasswatch.alerts.enforcement.RevokeService;
import io.glasswatch.alerts.enforcement.RevokeSettings;
import io.glasswatch.alerts.enforcement.SessionContainer;
import io.glasswatch.alerts.enforcement.SsoAdminClients;
import io.glasswatch.alerts.enforcement.SsoAdminRevoker;
import io.glasswatch.catalogue.PolicyAlerts;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.ContainResult;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.PrincipalType;
import software.amazon.awssdk.services.ssoadmin.model.TargetType;

/**
 * Containment latency benchmark: violation detected → sessions contained (deny statement read back and
 * permission set provisioned), through the real {@link RevokeService} and {@link ContainmentService}
 * (production options and SDK tuning) against moto's IAM Identity Center, on the benchmark's own Kafka,
 * Apicurio Registry and moto.
 *
 * <p>Sequence: fresh topics under a run prefix; {@code permissionSets} real permission sets created in moto
 * (session duration 1 h, each with an inline policy of its own that every containment keeps); one
 * assignment per command ({@code commands} principals, round-robin over the permission sets); both services
 * started; then revoke commands produced at a steady rate, each stamped {@code issuedAt} =
 * {@code detectedAtWallClock} = now (the moment the streams app detected the violation). The revoke
 * executor deletes the assignment and writes a CONFIRMED result; the containment service derives
 * {@code contain:<commandId>}, merges its statement, provisions and reads back; its CONTAINED result's
 * {@code completedAt} minus the detection time is the figure (also shown: detection → revoke confirmed). One
 * warm-up command goes through both services first, so group joins and client connections are not measured.
 * Containments of one permission set run one after another (one inline policy), so the permission-set
 * count bounds the parallelism.
 *
 * <p>Target: p99 detection → contained under 5 s. Every containment must be CONTAINED, otherwise exit 1.
 *
 * <p>Usage: {@code ContainmentLatencyBenchmark [--commands 100] [--permission-sets 10] [--rate 10]
 * [--kafka-port 21392] [--registry-port 21381] [--moto-port 21800] [--work-dir .glasswatch/bench-contain] [--keep-stack]}.
 */
public final class ContainmentLatencyBenchmark {
  /** Target p99 detection → contained, ms. */
  static final long TARGET_CONTAINED_P99_MILLIS = 5000;

  record Options(int commands, int permissionSets, double rate, int kafkaPort, int registryPort, int motoPort,
      Path workDir, boolean keepStack) {
    static Options parse(String[] args) {
      int commands = 100;
      int sets = 10;
      double rate = 10;
      int kafka = 21392;
      int registry = 21381;
      int moto = 21800;
      Path work = Path.of(".glasswatch/bench-contain");
      boolean keep = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--commands" -> commands = Integer.parseInt(args[++i]);
          case "--permission-sets" -> sets = Integer.parseInt(args[++i]);
          case "--rate" -> rate = Double.parseDouble(args[++i]);
          case "--kafka-port" -> kafka = Integer.parseInt(args[++i]);
          case "--registry-port" -> registry = Integer.parseInt(args[++i]);
          case "--moto-port" -> moto = Integer.parseInt(args[++i]);
          case "--work-dir" -> work = Path.of(args[++i]);
          case "--keep-stack" -> keep = true;
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (commands < 1 || sets < 1 || !(rate > 0)) {
        throw new IllegalArgumentException("--commands and --permission-sets must be at least 1, --rate positive");
      }
      return new Options(commands, sets, rate, kafka, registry, moto, work, keep);
    }
  }

  private final Options options;
  private final PrintStream out;

  ContainmentLatencyBenchmark(Options options, PrintStream out) {
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
    boolean ok = new ContainmentLatencyBenchmark(o, System.out).run();
    System.exit(ok ? 0 : 1);
  }

  boolean run() throws Exception {
    return LatencyStack.run(options.workDir(), options.kafkaPort(), options.registryPort(), options.motoPort(), 29302,
        options.keepStack(), out, (stack, settings) -> measure(settings.with(GlasswatchSettings.REVOKE_DRY_RUN, "false")));
  }

  private boolean measure(GlasswatchSettings settings) throws Exception {
    String prefix = "bench-contain-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    String registryUrl = settings.get(GlasswatchSettings.REGISTRY_URL);
    LatencyStack.createTopics(settings, List.of(Topics.REVOKE_COMMANDS, Topics.REVOKE_RESULTS, Topics.CONTAIN_COMMANDS,
        Topics.CONTAIN_RESULTS, Topics.ALERTS, Topics.ALERT_RESOLUTIONS, Topics.CLOUDTRAIL_EVENTS, Topics.DEAD_LETTER)
        .stream().map(t -> prefix + t).toList());
    int n = options.commands();
    out.printf(Locale.ROOT, "%n== Containment latency: %d revokes over %d permission sets at %.1f/s, real RevokeService "
        + "and ContainmentService against moto (%s)%n", n, options.permissionSets(), options.rate(),
        settings.get(GlasswatchSettings.SSO_ENDPOINT));
    List<AccountAssignment> assignments = assignments(settings, n + 1); // the last one warms up
    RevokeSettings revoke = RevokeSettings.from(settings);
    Map<String, Instant> detected = new HashMap<>();
    Map<String, Long> toContained = new TreeMap<>();
    Map<String, String> outcomes = new TreeMap<>();
    try (SsoAdminRevoker revoker = SsoAdminRevoker.fromSettings(revoke, revoke.revokerOptions(),
            SsoAdminClients.Tuning.defaults());
        SessionContainer container = SessionContainer.fromSettings(revoke, SsoAdminClients.Tuning.defaults(),
            SessionContainer.Options.defaults())) {
      RevokeService.Options ro = LatencyStack.revokeOptions(prefix).withResolutionsTopic(prefix + Topics.ALERT_RESOLUTIONS);
      ContainmentService.Options co = ContainmentService.Options.defaults().prefixed(prefix, prefix + ContainmentService.GROUP_ID);
      try (RevokeService rs = new RevokeService(settings, revoker, ro, OverlappingGrants.NONE, PolicyAlerts.defaults());
          ContainmentService cs = new ContainmentService(settings, container, ContainmentPolicy.defaults(),
              PolicyAlerts.defaults(), co, Clock.systemUTC())) {
        Thread.ofPlatform().daemon().start(rs);
        Thread.ofPlatform().daemon().start(cs);
        AvroSerdes serdes = AvroSerdes.registry(registryUrl);
        warmUp(settings, serdes, prefix, assignments.removeLast());
        try (KafkaProducer<String, RevokeCommand> p = new KafkaProducer<>(producerProps(settings),
            new StringSerializer(), serdes.value(RevokeCommand.class).serializer())) {
          long gapNanos = (long) (1e9 / options.rate());
          long next = System.nanoTime();
          for (int i = 0; i < n; i++) {
            while (System.nanoTime() < next) {
              TimeUnit.MICROSECONDS.sleep(200);
            }
            next += gapNanos;
            Instant now = Instant.now();
            String id = "bench-" + i;
            detected.put("contain:" + id, now);
            p.send(new ProducerRecord<>(prefix + Topics.REVOKE_COMMANDS, id,
                command(id, "REQ-" + i, "alert-" + i, "SELF_APPROVAL: benchmark", assignments.get(i), now)));
          }
          p.flush();
        }
        try (KafkaConsumer<String, ContainResult> c = resultsFromStart(settings, serdes, prefix)) {
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120 + (long) (n / options.rate()));
          while (outcomes.size() < n && System.nanoTime() < end) {
            for (ConsumerRecord<String, ContainResult> r : c.poll(Duration.ofMillis(200))) {
              ContainResult v = r.value();
              if (v == null || r.key().endsWith("/cleanup") || !detected.containsKey(v.getCommandId())) {
                continue;
              }
              outcomes.put(v.getCommandId(), v.getOutcome());
              if ("CONTAINED".equals(v.getOutcome())) {
                toContained.put(v.getCommandId(), v.getCompletedAt().toEpochMilli()
                    - detected.get(v.getCommandId()).toEpochMilli());
              }
            }
          }
        }
      }
    }
    printRevokeFigure(settings, prefix, detected);
    Map<String, Long> counts = new TreeMap<>();
    outcomes.values().forEach(o -> counts.merge(o, 1L, Long::sum));
    out.println("outcomes: " + counts + " of " + n);
    if (toContained.isEmpty()) {
      out.println("no containment completed");
      return false;
    }
    LatencyStats s = LatencyStats.of(new ArrayList<>(toContained.values()));
    out.println("detection -> sessions contained (statement read back, permission set provisioned): " + s.describe()
        + (s.p99Millis() < TARGET_CONTAINED_P99_MILLIS ? "; target p99 < 5 s: met" : "; target p99 < 5 s: MISSED"));
    return counts.getOrDefault("CONTAINED", 0L) == n;
  }

  /**
   * Sends one command through revoke and containment and waits for its containment, so that both
   * services have joined their groups and every client is connected before the measured commands.
   */
  private void warmUp(GlasswatchSettings settings, AvroSerdes serdes, String prefix, AccountAssignment a)
      throws Exception {
    Instant now = Instant.now();
    try (KafkaProducer<String, RevokeCommand> p = new KafkaProducer<>(producerProps(settings), new StringSerializer(),
        serdes.value(RevokeCommand.class).serializer())) {
      p.send(new ProducerRecord<>(prefix + Topics.REVOKE_COMMANDS, "warm-up",
          command("warm-up", "REQ-WARM", "alert-warm", "SELF_APPROVAL: warm-up", a, now))).get();
    }
    try (KafkaConsumer<String, ContainResult> c = resultsFromStart(settings, serdes, prefix)) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < end) {
        for (ConsumerRecord<String, ContainResult> r : c.poll(Duration.ofMillis(200))) {
          if ("contain:warm-up".equals(r.key())) {
            out.printf(Locale.ROOT, "warm-up: %s after %d ms%n", r.value().getOutcome(),
                r.value().getCompletedAt().toEpochMilli() - now.toEpochMilli());
            return;
          }
        }
      }
    }
    throw new IllegalStateException("the warm-up containment did not complete within 120 s");
  }

  /** A revoke command triggered by an alert, detected and issued at {@code now}. */
  private static RevokeCommand command(String id, String requestId, String alertId, String reason, AccountAssignment a,
      Instant now) {
    return RevokeCommand.newBuilder().setCommandId(id).setRequestId(requestId).setCorrelationId(requestId)
        .setAlertId(alertId).setTrigger("alert").setReason(reason).setAssignment(a).setIssuedAt(now)
        .setDetectedAtWallClock(now).build();
  }

  /** A consumer of every partition of {@code contain-results}, from its beginning. */
  private static KafkaConsumer<String, ContainResult> resultsFromStart(GlasswatchSettings settings, AvroSerdes serdes,
      String prefix) {
    KafkaConsumer<String, ContainResult> c = new KafkaConsumer<>(consumerProps(settings), new StringDeserializer(),
        serdes.value(ContainResult.class).deserializer());
    List<TopicPartition> parts = c.partitionsFor(prefix + Topics.CONTAIN_RESULTS).stream()
        .map(x -> new TopicPartition(x.topic(), x.partition())).toList();
    c.assign(parts);
    c.seekToBeginning(parts);
    return c;
  }

  private List<AccountAssignment> assignments(GlasswatchSettings settings, int n) {
    List<AccountAssignment> out = new ArrayList<>();
    try (SsoAdminClient sso = SsoAdminClients.create(settings, SsoAdminClients.Tuning.defaults())) {
      String instance = sso.listInstances(r -> { }).instances().getFirst().instanceArn();
      List<String> sets = new ArrayList<>();
      for (int i = 0; i < options.permissionSets(); i++) {
        String name = "BenchBreakGlass" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
        String ps = sso.createPermissionSet(r -> r.instanceArn(instance).name(name).sessionDuration("PT1H"))
            .permissionSet().permissionSetArn();
        sso.putInlinePolicyToPermissionSet(r -> r.instanceArn(instance).permissionSetArn(ps).inlinePolicy(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Ops\",\"Effect\":\"Allow\",\"Action\":\"ec2:Describe*\","
                + "\"Resource\":\"*\"}]}"));
        sets.add(ps);
      }
      for (int i = 0; i < n; i++) {
        String ps = sets.get(i % sets.size());
        String account = String.format(Locale.ROOT, "%012d", 400000000000L + i % 20);
        String principal = "bench-user-" + i;
        sso.createAccountAssignment(b -> b.instanceArn(instance).targetId(account).targetType(TargetType.AWS_ACCOUNT)
            .permissionSetArn(ps).principalType(PrincipalType.USER).principalId(principal));
        out.add(AccountAssignment.newBuilder().setInstanceArn(instance).setAccountId(account).setPermissionSetArn(ps)
            .setPrincipalType("USER").setPrincipalId(principal).build());
      }
    }
    return out;
  }

  /** Detection → revoke confirmed of the same commands, for comparison (the part containment waits for). */
  private void printRevokeFigure(GlasswatchSettings settings, String prefix, Map<String, Instant> detected) {
    AvroSerdes serdes = AvroSerdes.registry(settings.get(GlasswatchSettings.REGISTRY_URL));
    List<Long> millis = new ArrayList<>();
    try (KafkaConsumer<String, io.glasswatch.schema.RevokeResult> c = new KafkaConsumer<>(consumerProps(settings),
        new StringDeserializer(), serdes.value(io.glasswatch.schema.RevokeResult.class).deserializer())) {
      List<TopicPartition> parts = c.partitionsFor(prefix + Topics.REVOKE_RESULTS).stream()
          .map(x -> new TopicPartition(x.topic(), x.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> endOffsets = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < endOffsets.get(tp))) {
        for (ConsumerRecord<String, io.glasswatch.schema.RevokeResult> r : c.poll(Duration.ofMillis(200))) {
          var v = r.value();
          Instant d = v == null ? null : detected.get("contain:" + v.getCommandId());
          if (d != null && v.getStep() == null && "CONFIRMED".equals(v.getOutcome())) {
            millis.add(v.getCompletedAt().toEpochMilli() - d.toEpochMilli());
          }
        }
      }
    }
    if (!millis.isEmpty()) {
      out.println("detection -> revoke confirmed (for comparison): " + LatencyStats.of(millis).describe());
    }
  }

  private static Properties producerProps(GlasswatchSettings s) {
    Properties p = new Properties();
    p.put("bootstrap.servers", s.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    p.put("acks", "all");
    p.put("linger.ms", "0");
    return p;
  }

  private static Properties consumerProps(GlasswatchSettings s) {
    Properties p = new Properties();
    p.put("bootstrap.servers", s.get(GlasswatchSettings.KAFKA_BOOTSTRAP));
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    return p;
  }
}
