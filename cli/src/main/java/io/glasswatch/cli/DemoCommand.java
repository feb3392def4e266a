package io.glasswatch.cli;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.alerts.enforcement.SsoAdminClients;
import io.glasswatch.cli.demo.AlertComparison;
import io.glasswatch.cli.demo.CatchUp;
import io.glasswatch.cli.demo.DemoScenarios;
import io.glasswatch.cli.demo.DemoSources;
import io.glasswatch.cli.demo.RevokeShowcase;
import io.glasswatch.cli.demo.SessionContainments;
import io.glasswatch.cli.demo.TopicReader;
import io.glasswatch.cli.demo.OnCallReceivers;
import io.glasswatch.cli.demo.WebhookReceiver;
import io.glasswatch.cli.investigation.ChainReports;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.input.InputReader;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.SchemaRegistrar;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.schema.TopicNames;
import io.glasswatch.schema.Topics;
import io.glasswatch.sinks.elasticsearch.ElasticsearchConnection;
import io.glasswatch.sinks.timeline.TimelineIndexTemplate;
import io.glasswatch.sinks.timeline.TimelineQueries;
import io.glasswatch.sinks.timeline.TimelineVerifier;
import io.glasswatch.stack.Component;
import io.glasswatch.stack.LocalStack;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.replay.InputRecord;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.replay.Replayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.PrincipalType;
import software.amazon.awssdk.services.ssoadmin.model.TargetType;

/**
 * {@code glasswatch demo}: the whole pipeline on the bundled scenarios, on the local stack.
 *
 * <p>Steps: load the detection policy ({@code --policy FILE}, else the setting {@code policy.file},
 * else the demo's policy: the defaults plus the emergency role of scenario 10, {@link DemoScenarios#writePolicy};
 * an invalid file stops the demo before the stack starts); bring the local stack
 * up; start from empty topics, streams state and timeline index; register the schemas; read every
 * bundled scenario, the break-glass systems' own records included (08 and 09, with the sources settings
 * of {@link DemoSources}); replay them offline with the same policy to know what the live pipeline must
 * produce (plus the REVOKE_FAILED alerts the executor raises for revokes of grants without an IAM Identity
 * Center assignment, which a replay does not execute; the containment service's CONTAINMENT_FAILED alerts,
 * outcomes of an executor too, are listed apart and not compared);
 * create the JIT grants' IAM Identity Center assignments and the policy's emergency roles in moto so their
 * revokes and containments are real; start a
 * local signed-webhook receiver, local PagerDuty, Slack and Mattermost endpoints
 * ({@link OnCallReceivers}, the alerts routed to them by the policy's {@code routing:} section, every
 * channel without one) and every service; feed the input through Kafka; wait until the live pipeline
 * has delivered every alert, executed every revoke, contained the sessions of every session alert
 * ({@link SessionContainments}) and indexed every timeline entry (delivery attempts and outcomes included);
 * print a summary with what each on-call channel received; end by writing the
 * access review report ({@code glasswatch report}) to {@code <stack dir>/../demo/access-review.html}.
 * The input is fed in event-time order the way it arrives in live operation: the
 * gateway's own events first, each run of them (cut at gaps of more than five minutes of event
 * time, and before a requester's second request) processed before anything later is sent, as if the input arrived as it happened; CloudTrail
 * records follow the gateway events of their time (CloudTrail is delivered minutes after the fact), so a
 * grant's fact has passed stage B before the first CloudTrail record after it is sent, and the sessions of
 * scenario 10 are attributed to their grant live as in the replay;
 * a clock tick at the end, at the latest event time plus the longest decision delay of the policy,
 * declares the input complete: every deadline up to then is evaluated, live and in the offline replay,
 * so the decisions that only waited for late input on the last events (a grant's approvals, a root
 * sign-in's covering grant) are taken by both.
 *
 * <p>About 680 lines: the demo's steps in the order of one run, with its summary and checks; the parts that
 * stand on their own (scenarios, sources, comparison, catch-up, revoke paths, session containments,
 * receivers) live in {@code io.glasswatch.cli.demo}.
 */
@Command(name = "demo", description = "Run the whole pipeline on the bundled scenarios and print a summary.")
public final class DemoCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--keep", description = "Leave the local stack running afterwards.")
  boolean keep;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "Detection policy (YAML, see config/policy.yaml); wins over the setting policy.file.")
  Path policyFile;

  @Option(names = "--timeout", description = "How long to wait for the live pipeline (default ${DEFAULT-VALUE}).")
  Duration timeout = Duration.ofSeconds(120);

  /** A gap in the gateway's events longer than this ends a feeding run (see the class Javadoc). */
  private static final Duration FEED_GAP = Duration.ofMinutes(5);

  private final long started = System.nanoTime();
  /** Whether the policy is the demo's own ({@link DemoScenarios#writePolicy}), no file having been named. */
  private boolean demoPolicy;
  /** When Kafka acknowledged each CloudTrail record of the feed (wall clock), by eventID. */
  private final Map<String, java.time.Instant> producedAt = new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public Integer call() throws Exception {
    // --policy FILE is the policy file of every service: detection, alert overrides, revoke deadline, routing
    if (policyFile == null && !config.settings().isSet(GlasswatchSettings.POLICY_FILE)) {
      // the demo's own policy: the defaults plus scenario 10's emergency role (DemoScenarios.writePolicy)
      policyFile = DemoScenarios.writePolicy(config.settings().stackDir().toAbsolutePath().getParent().resolve("demo"));
      demoPolicy = true;
    }
    GlasswatchSettings base = policyFile == null ? config.settings()
        : config.settings().with(GlasswatchSettings.POLICY_FILE, policyFile.toString());
    PolicySource policy = PolicySource.load(policyFile, base);
    LocalStack stack = new LocalStack(base);
    try {
      return run(stack, base, policy);
    } finally {
      if (!keep) {
        step("stopping the local stack (use --keep to leave it running)");
        stack.down(line -> say("  " + line));
      } else {
        say("the local stack keeps running; stop it with ./glasswatch stack down");
      }
    }
  }

  private int run(LocalStack stack, GlasswatchSettings base, PolicySource policySource) throws Exception {
    Policy policy = policySource.policy();
    step("starting the local stack (Kafka, Apicurio Registry, Elasticsearch, moto)");
    long t0 = System.nanoTime();
    GlasswatchSettings s = stack.up(EnumSet.allOf(Component.class), line -> say("  " + line));
    double stackSeconds = (System.nanoTime() - t0) / 1e9;
    boolean moto = s.isSet(GlasswatchSettings.SSO_ENDPOINT);
    if (!moto) {
      say("  moto_server is not installed: revokes are recorded as DRY_RUN (no AWS call)");
      s = s.with(GlasswatchSettings.REVOKE_DRY_RUN, "true");
    }

    Path work = s.stackDir().toAbsolutePath().getParent().resolve("demo");
    Path stateDir = work.resolve("streams-state");
    deleteTree(stateDir);
    // Historical input through a live pipeline: deadlines follow event time only (clock ticks), or the
    // wall clock would make every deadline of 2015-2024 due before the input that decides it arrives.
    s = s.with(GlasswatchSettings.STREAMS_STATE_DIR, stateDir.toString())
        .with(GlasswatchSettings.STREAMS_WALL_CLOCK_DEADLINES, "false");
    String appId = s.get(GlasswatchSettings.STREAMS_APP_ID);

    step("starting from empty topics, streams state and timeline index");
    TopicSetup.reset(s, appId);
    TopicSetup.ensure(s, TopicSetup.DEFAULT_PARTITIONS);
    deleteTimelineIndices(s);
    new SchemaRegistrar(s.get(GlasswatchSettings.REGISTRY_URL)).registerAll(TopicNames.from(s));
    TimelineIndexTemplate.install(s);

    step("reading the bundled scenarios");
    // Every scenario is fed live: the canonical ones (one file each), the break-glass systems' own records
    // (08-authz-gateway: the AuthZ gateway's files; 09-jit-controller: the JIT controller's tables), read in
    // their own formats with the deployment settings of those runs (DemoSources), and 10-jit-session-in-aws,
    // whose CloudTrail records are sent once its grant has passed stage B (feed).
    Path scenarioDir = work.resolve("scenarios");
    List<Path> files = DemoScenarios.extract(scenarioDir);
    List<NormalizeResult.Normalized> events = new ArrayList<>();
    List<NormalizeResult> all = new InputReader(new Normalizer(DemoSources.settings())).readAll(files);
    long skipped = 0;
    for (NormalizeResult r : all) {
      if (r instanceof NormalizeResult.Normalized n) {
        events.add(n);
      } else if (r instanceof NormalizeResult.Rejected x) {
        throw new IllegalStateException("bundled scenario rejected: " + x.describe());
      } else {
        skipped++;
      }
    }
    events.sort(Comparator.comparing(NormalizeResult.Normalized::eventTime));
    Map<String, Long> byTopic = events.stream().collect(Collectors.groupingBy(
        NormalizeResult.Normalized::topic, TreeMap::new, Collectors.counting()));
    files.forEach(f -> say("  " + scenarioDir.relativize(f)));
    say("  " + events.size() + " events " + byTopic + "; " + skipped + " records counted and skipped (CloudTrail"
        + " digest files, the AuthZ gateway's ordinary decisions)");
    DemoSources.describe().forEach(line -> say("  " + line));
    // The recording ends before every decision is due: a decision that waits for late input (decisionDelay)
    // on the last events is still open when the input ends. The demo declares its input complete by
    // letting event time run on by the longest such wait, live and in the offline replay alike, so both
    // take those decisions (for example the MISSING_APPROVALS of the gateway's self-approved INC-77).
    java.time.Instant closingTick = events.get(events.size() - 1).eventTime().plus(DemoSources.longestLateInputWait(policy));
    say("  input complete: clock tick at " + closingTick + " (last event + the longest decision delay)");

    step("offline replay of the same input (the live pipeline must agree)");
    say("  " + policySource.describe());
    if (demoPolicy) {
      say("  (the demo's policy: the built-in defaults plus scenario 10's emergency role " + DemoScenarios.EMERGENCY_ROLE
          + "; --policy FILE replaces it)");
    }
    List<InputRecord> replayInput = new ArrayList<>(events.stream()
        .map(n -> new InputRecord(n.topic(), n.key(), n.value(), n.eventTime())).toList());
    Replayer.INPUT_TOPICS.forEach(t -> replayInput.add(InputRecord.tick(t, closingTick)));
    ReplayResult expected = new Replayer(policy).replay(replayInput);
    long expectedTimeline = expected.timeline().size() + expected.revokeCommands().size();
    say("  expect " + expected.alerts().size() + " alerts, " + expected.revokeCommands().size()
        + " revoke commands, " + expectedTimeline + " timeline entries");

    if (moto) {
      step("creating the JIT grants' IAM Identity Center account assignments and the policy's emergency roles in moto");
      createAssignments(s, events);
      SessionContainments.createRoles(s, policySource.file().orElse(null), DemoCommand::say);
    }
    SessionContainments sessions = new SessionContainments(s, expected.alerts());

    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
    try (WebhookReceiver receiver = WebhookReceiver.start(secret); OnCallReceivers oncall = OnCallReceivers.start()) {
      s = oncall.configure(s.with(GlasswatchSettings.WEBHOOK_URL, receiver.url())
          .with(GlasswatchSettings.WEBHOOK_SECRET, secret)
          .with(GlasswatchSettings.WEBHOOK_KEY_ID, "demo"));
      step("starting the services: streams app (exactly-once), alert delivery, revoke executor, Elasticsearch sink");
      say("  on-call webhook: local receiver " + receiver.url() + " (checks every HMAC-SHA256 signature)");
      say("  PagerDuty, Slack and Mattermost: local receivers " + oncall.pagerDutyUrl() + ", " + oncall.slackUrl()
          + ", " + oncall.mattermostUrl() + " (routed by the policy's routing: section, every channel without one)");
      try (Pipeline pipeline = Pipeline.start(s, policySource, Pipeline.all(), System.out)) {
        step("feeding " + events.size() + " events through Kafka; alerts appear as they are delivered");
        feed(s, appId, events, closingTick);
        // with real revokes, each revoke of a grant without an assignment adds a REVOKE_FAILED alert (summary)
        long expectedAlerts = expected.alerts().size() + (pipeline.revokesAreDryRun() ? 0
            : expected.revokeCommands().stream().filter(c -> c.getAssignment() == null).count());
        boolean done = waitFor(() -> {
          check(pipeline);
          var d = pipeline.dispatcher().stats();
          var r = pipeline.revoker().stats();
          return d.deliveredByChannel().getOrDefault("console", 0L) + d.alreadyDelivered() >= expectedAlerts
              && receiver.received().size() >= expectedAlerts
              && r.executed() + r.alreadyExecuted() >= expected.revokeCommands().size()
              && pipeline.sink().indexedOrDuplicate() >= expectedTimeline
              && received(oncall, d);
        });
        // the containment service's results for the session alerts (scenario 10), before the streams app files
        // its last progress records in the timeline
        done = done && (pipeline.containment() == null || sessions.await(timeout));
        // Revoke results come back into the streams app (timeline entries, lifecycle steps); the sink
        // then indexes whatever the timeline topic holds.
        done = done && settle(s, appId, pipeline);
        if (!done) {
          say("the live pipeline did not finish within " + timeout.toSeconds() + " s: "
              + pipeline.dispatcher().stats() + " " + pipeline.revoker().stats() + " sink indexed "
              + pipeline.sink().indexedOrDuplicate() + "/" + expectedTimeline + "; containments of the "
              + sessions.expected() + " session alerts:");
          sessions.describe().forEach(line -> say("  " + line));
          return 1;
        }
        int code = summary(s, stack, stackSeconds, expected, expectedTimeline, events, receiver, oncall, pipeline, work);
        if (moto) {
          step("revoke paths: auto-revoke, manual revoke, expiry sweeper (time-to-revoke from detection), and the "
              + "manual revoke's sessions contained");
          var showcase = new RevokeShowcase(s, DemoCommand::say, timeout, GlasswatchCli::execute);
          var shown = showcase.run(work, events.get(events.size() - 1).eventTime());
          shown.forEach(r -> say("  " + r.describe()));
          boolean confirmed = shown.stream().allMatch(RevokeShowcase.Shown::confirmed);
          code = confirmed ? code : 1;
          say(confirmed ? "revoke paths: all three confirmed" : "revoke paths: a revoke was NOT confirmed (see above)");
          say("  " + RevokeShowcase.describeContainment(showcase.containment()));
          if (showcase.containment() == null || !"CONTAINED".equals(showcase.containment().getOutcome())) {
            say("session containment: the manual revoke's sessions were NOT contained (see above)");
            code = 1;
          }
          if (sessions.expected() > 0) {
            say("  sessions of the scenarios' SESSION_OUTLIVED_GRANT and EMERGENCY_ROLE_WITHOUT_REQUEST alerts"
                + " (containment service, times from detection):");
            sessions.describe().forEach(line -> say("    " + line));
          }
        }
        return report(s, work, events.get(0).eventTime()) == 0 ? code : 1;
      }
    }
  }

  /**
   * Prints how long each root alert took from its defining CloudTrail record's acknowledgement by Kafka to the
   * on-call webhook's receipt of the alert. The demo feeds historical records with deadlines on event time
   * (wall-clock deadlines off), so these times include the wait for the feed to bring stream time past the
   * decision; live, with gateway progress marks, see benchmarks/README.md ("Root detection latency").
   */
  private void detectionLatency(List<Alert> alerts, WebhookReceiver receiver) {
    Map<String, java.time.Instant> got = receiver.receivedAt();
    List<Long> millis = new ArrayList<>();
    for (Alert a : alerts) {
      if (!a.getAlertType().startsWith("ROOT_") && !AlertType.UNAUTHORIZED_ROOT_USE.name().equals(a.getAlertType())) {
        continue;
      }
      java.time.Instant in = a.getEvidence().stream().map(producedAt::get).filter(java.util.Objects::nonNull)
          .findFirst().orElse(null);
      java.time.Instant out = got.get(a.getAlertId());
      if (in != null && out != null) {
        millis.add(Math.max(0, java.time.Duration.between(in, out).toMillis()));
      }
    }
    if (millis.isEmpty()) {
      say("  Root detection latency: no root alert to measure");
      return;
    }
    millis.sort(Comparator.naturalOrder());
    say(String.format("  Root detection latency (record acknowledged by Kafka -> on-call webhook), %d root alerts:"
        + " min %d ms, median %d ms, max %d ms", millis.size(), millis.get(0), millis.get(millis.size() / 2),
        millis.get(millis.size() - 1)));
  }

  /** The last step: the access review of everything the demo wrote, from its first event to today (glasswatch report). */
  private int report(GlasswatchSettings s, Path work, java.time.Instant first) {
    step("access review report: glasswatch report (reads Elasticsearch as the reader user)");
    Path file = work.resolve("access-review.html");
    List<String> args = new ArrayList<>(List.of("report", "--from", first.toString().substring(0, 10),
        "--to", java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(), "--out", file.toString()));
    if (policyFile != null) {
      args.addAll(List.of("--policy", policyFile.toString()));
    }
    int status = GlasswatchCli.execute(s, System.out, System.err, args.toArray(String[]::new));
    say(status == 0 ? "  open the report: " + file.toUri() : "  the report could not be written (see above)");
    return status;
  }

  /**
   * Whether every delivery the dispatcher counts to PagerDuty, Slack and Mattermost has reached its local
   * receiver, and each of them has received something.
   */
  private static boolean received(OnCallReceivers oncall, io.glasswatch.alerts.oncall.OnCallDispatcher.Stats d) {
    for (String c : List.of(OnCallReceivers.PAGERDUTY, OnCallReceivers.SLACK, OnCallReceivers.MATTERMOST)) {
      int got = oncall.received(c).size();
      if (got == 0 || got < d.deliveredByChannel().getOrDefault(c, 0L)) {
        return false;
      }
    }
    return true;
  }

  /** Waits until the streams app consumed every revoke result and internal record, and the sink is idle. */
  private boolean settle(GlasswatchSettings s, String appId, Pipeline pipeline) throws Exception {
    try (CatchUp catchUp = new CatchUp(s)) {
      TopicNames names = TopicNames.from(s);
      List<String> topics = new ArrayList<>(List.of(names.name(Topics.REVOKE_RESULTS),
          names.name(Topics.ALERT_DELIVERY_EVENTS)));
      topics.addAll(catchUp.topics(appId + "-", "-repartition"));
      return catchUp.await(appId, topics, timeout) && pipeline.sink().awaitIdle(timeout);
    }
  }

  private void feed(GlasswatchSettings s, String appId, List<NormalizeResult.Normalized> events,
      java.time.Instant closingTick) throws Exception {
    try (EventProducer producer = new EventProducer(s); CatchUp catchUp = new CatchUp(s)) {
      List<String> gatewayPath = new ArrayList<>(List.of(TopicNames.from(s).name(Topics.GATEWAY_EVENTS)));
      gatewayPath.addAll(catchUp.topics(appId + "-", "-repartition"));
      int i = 0;
      while (i < events.size()) {
        boolean gateway = events.get(i).topic().equals(Topics.GATEWAY_EVENTS);
        Set<String> requesters = new java.util.HashSet<>();
        secondRequest(events.get(i), requesters);
        int j = i + 1;
        while (j < events.size() && events.get(j).topic().equals(Topics.GATEWAY_EVENTS) == gateway
            && !(gateway && events.get(j).eventTime().isAfter(events.get(j - 1).eventTime().plus(FEED_GAP)))
            && !(gateway && secondRequest(events.get(j), requesters))) {
          j++;
        }
        producer.produceResults(events.subList(i, j), line -> { });
        java.time.Instant acked = java.time.Instant.now();
        for (NormalizeResult.Normalized n : events.subList(i, j)) {
          if (n.value() instanceof CloudTrailEvent c) {
            producedAt.putIfAbsent(c.getEventID(), acked);
          }
        }
        if (gateway && !catchUp.await(appId, gatewayPath, timeout)) {
          throw new IllegalStateException("the streams app did not process the gateway events within " + timeout);
        }
        i = j;
      }
      producer.produceClockTicks(closingTick);
    }
  }

  /**
   * Whether {@code n} is a request of a requester who already has one in the current feeding run (noted
   * in {@code requesters}). Such a request starts a new run, so the subject stage counts a requester's
   * requests in event-time order even when they are less than a commit apart (08: alice's five requests
   * within a second), as the offline replay does; see README, "Limits of this version".
   */
  private static boolean secondRequest(NormalizeResult.Normalized n, Set<String> requesters) {
    return n.value() instanceof GatewayEvent g && "request".equals(g.getType()) && g.getSubject() != null
        && !requesters.add(g.getSubject());
  }

  private int summary(GlasswatchSettings s, LocalStack stack, double stackSeconds, ReplayResult expected,
      long expectedTimeline, List<NormalizeResult.Normalized> events, WebhookReceiver receiver,
      OnCallReceivers oncall, Pipeline pipeline, Path work) throws IOException {
    List<Alert> all = TopicReader.readAll(s, Topics.ALERTS, Alert.class);
    // CONTAINMENT_FAILED is an outcome of the containment service (like REVOKE_FAILED of the revoke executor)
    // that a replay, which executes nothing, cannot know: listed apart, not compared, not a timeline alert
    List<Alert> containmentFailed = all.stream()
        .filter(a -> AlertType.CONTAINMENT_FAILED.name().equals(a.getAlertType())).toList();
    List<Alert> alerts = all.stream().filter(a -> !containmentFailed.contains(a)).toList();
    List<RevokeResult> results = TopicReader.readAll(s, Topics.REVOKE_RESULTS, RevokeResult.class);
    // A root page a late grant resolved (kind late_grant) is one replay, with the whole input, never raises:
    // the live alerts that stay unresolved are what replay must reproduce (SPEC section 2).
    Set<String> lateGranted = TopicReader.readAll(s, Topics.ALERT_RESOLUTIONS, AlertResolution.class).stream()
        .filter(r -> "late_grant".equals(r.getKind())).map(AlertResolution::getAlertId)
        .collect(Collectors.toCollection(TreeSet::new));
    // The offline replay runs detection, not the revoke executor. The executor's outcome is predictable
    // for one kind of command: a revoke of a grant that recorded no IAM Identity Center assignment (the
    // AuthZ gateway's grants are session tokens of the gateway) fails at once and raises REVOKE_FAILED
    // (id RevokeEscalation: deterministicId("REVOKE_FAILED", commandId)), unless revokes are dry-run.
    Set<String> liveIds = alerts.stream().map(Alert::getAlertId).filter(id -> !lateGranted.contains(id))
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> replayIds = expected.alerts().stream().map(Alert::getAlertId)
        .collect(Collectors.toCollection(TreeSet::new));
    List<String> unrevocable = expected.revokeCommands().stream().filter(c -> c.getAssignment() == null)
        .map(c -> c.getRequestId()).distinct().toList();
    if (!pipeline.revokesAreDryRun()) {
      expected.revokeCommands().stream().filter(c -> c.getAssignment() == null)
          .forEach(c -> replayIds.add(Hashing.deterministicId(AlertType.REVOKE_FAILED.name(), c.getCommandId())));
    }
    Set<String> background = new LinkedHashSet<>();
    for (NormalizeResult.Normalized n : events) {
      if (n.origin().contains(DemoScenarios.BACKGROUND) && n.value() instanceof CloudTrailEvent c) {
        background.add(c.getEventID());
      }
    }
    long backgroundAlerts = alerts.stream().filter(a -> a.getEvidence().stream().anyMatch(background::contains)).count();

    long timelineDocs;
    List<Map<String, Object>> showcase;
    List<TimelineVerifier.ChainReport> chains = new ArrayList<>();
    List<TimelineEntry> entries = TopicReader.readAll(s, Topics.TIMELINE, TimelineEntry.class);
    try (TimelineQueries q = new TimelineQueries(s)) {
      // The sink may still be writing the last committed timeline records (delivery outcomes come
      // last): wait, bounded by the demo timeout, until Elasticsearch holds what the topic holds.
      long[] count = {0};
      try {
        waitFor(() -> {
          count[0] = q.count();
          return count[0] >= entries.size();
        });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      timelineDocs = count[0];
      showcase = q.timeline(DemoScenarios.SHOWCASE_REQUEST);
      for (String id : q.correlationIds()) {
        chains.add(TimelineVerifier.verify(id, q.timeline(id)));
      }
    }

    step("summary");
    say(String.format("  wall time %.1f s (local stack up in %.1f s)", (System.nanoTime() - started) / 1e9, stackSeconds));
    long peakTotal = 0;
    for (Component c : Component.values()) {
      var mem = stack.memory(c);
      if (mem.isPresent()) {
        peakTotal += mem.get().peakRssMiB();
        say(String.format("  %-14s rss %5d MiB, peak %5d MiB", c.name().toLowerCase(), mem.get().rssMiB(),
            mem.get().peakRssMiB()));
      }
    }
    long self = selfPeakRssMiB();
    say(String.format("  %-14s                peak %5d MiB (this process: streams app, services, producer)", "glasswatch", self));
    say(String.format("  %-14s                peak %5d MiB (sum of the peaks)", "total", peakTotal + self));
    long input = events.size();
    say("");
    // The subject stage counts a requester's requests in the order they reach it. Requests less than a
    // commit apart travel through different partitions of stage A, so live, which of them crosses
    // repeatThreshold (and names the REPEATED_BREAK_GLASS alert) can differ from the replay's event-time
    // order; the finding (subject, count) is the same. Those alerts are compared by subject, and said so.
    Map<String, String> liveKeys = AlertComparison.findingKeys(alerts);
    Map<String, String> replayKeys = AlertComparison.findingKeys(expected.alerts());
    replayIds.stream().filter(id -> !replayKeys.containsKey(id)).forEach(id -> replayKeys.put(id, id));
    boolean sameIds = liveIds.equals(replayIds);
    boolean sameFindings = new TreeSet<>(liveKeys.values()).equals(new TreeSet<>(replayKeys.values()));
    say("  Alerts: " + alerts.size() + " (offline replay: " + expected.alerts().size()
        + (replayIds.size() > expected.alerts().size() ? " + " + (replayIds.size() - expected.alerts().size())
            + " REVOKE_FAILED for revokes without an IAM Identity Center assignment" : "")
        + "; same alert ids: " + (sameIds ? "yes" : sameFindings ? "yes but for the request named by "
            + AlertType.REPEATED_BREAK_GLASS.name() + " (arrival order, below)" : "NO") + ")"
        + (containmentFailed.isEmpty() ? "" : "; and " + containmentFailed.size() + " CONTAINMENT_FAILED of the"
            + " containment service, not compared (below)"));
    AlertComparison.differences(alerts, expected, liveIds, replayIds, liveKeys, replayKeys).forEach(line -> say("    " + line));
    if (!unrevocable.isEmpty()) {
      say("    grants without an IAM Identity Center assignment, which Glasswatch cannot revoke (revoke them in the"
          + " system that issued them): " + String.join(", ", unrevocable));
    }
    say("    unresolved live alert ids = replay alert ids: " + (sameIds || sameFindings ? "yes" : "NO")
        + " (" + lateGranted.size() + " paged and resolved by a late grant)");
    containmentFailed.forEach(a -> say("    CONTAINMENT_FAILED " + a.getCorrelationId() + ": " + a.getSummary()));
    detectionLatency(alerts, receiver);
    Map<String, Long> byType = alerts.stream().collect(Collectors.groupingBy(Alert::getAlertType, TreeMap::new, Collectors.counting()));
    Map<String, String> severity = alerts.stream().collect(Collectors.toMap(Alert::getAlertType, Alert::getSeverity,
        (a, b) -> a, TreeMap::new));
    containmentFailed.forEach(a -> byType.merge(a.getAlertType(), 1L, Long::sum));
    containmentFailed.forEach(a -> severity.putIfAbsent(a.getAlertType(), a.getSeverity()));
    byType.forEach((t, n) -> say(String.format("    %-24s %-9s %3d", t, severity.get(t), n)));
    say("    from the " + background.size() + " background CloudTrail events: " + backgroundAlerts);
    String fingerprint = Hashing.deterministicId(new ArrayList<>(new TreeSet<>(liveKeys.values()))).substring(0, 16);
    say("  Alert-set fingerprint: " + fingerprint + compareWithLastRun(work, fingerprint));
    say("  Webhook: " + receiver.received().size() + " alerts received with valid signatures, "
        + receiver.rejected() + " rejected");
    say("  On-call channels (local receivers; " + oncall.rejected() + " requests rejected):");
    oncall.describe().forEach(line -> say("    " + line));
    boolean channelsOk = oncall.rejected() == 0 && List.of(OnCallReceivers.PAGERDUTY, OnCallReceivers.SLACK,
        OnCallReceivers.MATTERMOST).stream().allMatch(c -> !oncall.received(c).isEmpty());
    say("");
    List<RevokeResult> finals = results.stream().filter(r -> r.getStep() == null).toList();
    say("  Revokes: " + finals.size() + " results (" + (results.size() - finals.size()) + " progress steps) for "
        + expected.revokeCommands().size() + " commands"
        + (pipeline.revokesAreDryRun() ? " (dry-run)" : " (IAM Identity Center API on moto)"));
    for (RevokeResult r : finals) {
      String who = r.getAssignment() == null ? "no assignment"
          : r.getAssignment().getPrincipalType() + " " + r.getAssignment().getPrincipalId() + " on "
              + r.getAssignment().getAccountId();
      say(String.format("    %-15s %-7s %-20s %s%s", r.getOutcome(), r.getTrigger(), r.getRequestId(), who,
          r.getTimeToRevokeMillis() == null ? "" : ", time-to-revoke " + r.getTimeToRevokeMillis() + " ms"));
    }
    Map<String, Long> byKind = entries.stream().collect(Collectors.groupingBy(TimelineEntry::getKind, TreeMap::new,
        Collectors.counting()));
    long enforcement = byKind.getOrDefault("enforcement", 0L);
    long transitions = byKind.getOrDefault("state", 0L);
    long deliveries = byKind.getOrDefault("delivery", 0L);
    // the executor's REVOKE_FAILED alerts are recorded with the failed revoke result (enforcement), not as
    // timeline alerts of the streams app
    long timelineAlerts = alerts.stream().filter(a -> !AlertType.REVOKE_FAILED.name().equals(a.getAlertType())).count();
    long formula = input + timelineAlerts + enforcement + transitions + deliveries;
    boolean timelineOk = timelineDocs == formula && entries.size() == formula
        && byKind.getOrDefault("event", 0L) == input && byKind.getOrDefault("alert", 0L) == timelineAlerts
        && enforcement == expected.revokeCommands().size() + results.size() && deliveries > 0;
    say("");
    say("  Timeline in Elasticsearch: " + timelineDocs + " documents = " + input + " input events + "
        + timelineAlerts + " alerts + " + enforcement + " enforcement actions (" + expected.revokeCommands().size()
        + " revokes requested, " + results.size() + " results and progress steps) + " + transitions + " lifecycle transitions + "
        + deliveries + " delivery attempts and outcomes: "
        + (timelineOk ? "match" : "MISMATCH (timeline topic by kind " + byKind + ")"));
    say("");
    say("  Timeline of request " + DemoScenarios.SHOWCASE_REQUEST + ":");
    TimelineTable.print(showcase, System.out);
    say("");
    say("  Hash chains recomputed from Elasticsearch (glasswatch verify --all):");
    List<String> verifyLines = ChainReports.lines(chains);
    for (String line : verifyLines) {
      if (!line.startsWith("OK ") || line.contains(" " + DemoScenarios.SHOWCASE_REQUEST + ":")) {
        say("    " + line);
      }
    }
    boolean chainsOk = chains.stream().allMatch(TimelineVerifier.ChainReport::intact);
    say("");
    say("  Investigate further: glasswatch timeline " + DemoScenarios.SHOWCASE_REQUEST + " | glasswatch verify --all"
        + " | glasswatch evidence " + DemoScenarios.SHOWCASE_REQUEST + " --out evidence.zip (with --keep)");
    boolean ok = sameFindings && backgroundAlerts == 0 && timelineOk
        && receiver.rejected() == 0 && chainsOk && channelsOk;
    say("");
    say(ok ? "demo finished: every check passed" : "demo finished with a failed check (see above)");
    return ok ? 0 : 1;
  }

  /** Peak resident set size of this JVM (VmHWM of /proc/self/status), MiB; 0 where /proc is absent. */
  private static long selfPeakRssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  private static String compareWithLastRun(Path work, String fingerprint) throws IOException {
    Path f = work.resolve("last-alert-set");
    String previous = Files.exists(f) ? Files.readString(f).trim() : null;
    Files.createDirectories(work);
    Files.writeString(f, fingerprint + "\n");
    if (previous == null) {
      return " (first run)";
    }
    return previous.equals(fingerprint) ? " (same as the previous run)" : " (previous run: " + previous + ")";
  }

  private static void createAssignments(GlasswatchSettings s, List<NormalizeResult.Normalized> events) {
    try (SsoAdminClient sso = SsoAdminClients.create(s, SsoAdminClients.Tuning.defaults())) {
      Set<AccountAssignment> created = new java.util.HashSet<>();
      for (NormalizeResult.Normalized n : events) {
        // a grant extended by a second grant names the same assignment: it exists once
        if (n.value() instanceof GatewayEvent g && "grant".equals(g.getType()) && g.getAssignment() != null
            && created.add(g.getAssignment())) {
          AccountAssignment a = g.getAssignment();
          var resp = sso.createAccountAssignment(b -> b.instanceArn(a.getInstanceArn()).targetId(a.getAccountId())
              .targetType(TargetType.AWS_ACCOUNT).permissionSetArn(a.getPermissionSetArn())
              .principalType(PrincipalType.fromValue(a.getPrincipalType())).principalId(a.getPrincipalId()));
          say("  " + a.getPrincipalType() + " " + a.getPrincipalId() + " holds " + a.getPermissionSetArn()
              + " on " + a.getAccountId() + " (" + resp.accountAssignmentCreationStatus().statusAsString() + ")");
        }
      }
    }
  }

  /**
   * Deletes every index of the pattern {@code <prefix>-*} that the demo's timeline queries read, fifty
   * names a request so that the request line stays within Elasticsearch's 4,096 bytes however many
   * monthly indices there are.
   */
  private static void deleteTimelineIndices(GlasswatchSettings s) throws IOException {
    String prefix = s.get(GlasswatchSettings.ES_TIMELINE_INDEX);
    try (ElasticsearchConnection es = ElasticsearchConnection.admin(s)) {
      List<String> indices = es.client().indices().get(g -> g.index(prefix + "-*").allowNoIndices(true)).result()
          .keySet().stream().sorted().toList();
      for (int i = 0; i < indices.size(); i += 50) {
        List<String> chunk = indices.subList(i, Math.min(indices.size(), i + 50));
        es.client().indices().delete(d -> d.index(chunk));
      }
    }
  }

  private boolean waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return condition.getAsBoolean();
  }

  private static void check(Pipeline p) {
    if (p.streams().failure() != null) {
      throw new IllegalStateException("the streams app failed: " + p.streams().failure(), p.streams().failure());
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  private void step(String what) {
    say(String.format("[%5.1f s] %s", (System.nanoTime() - started) / 1e9, what));
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
