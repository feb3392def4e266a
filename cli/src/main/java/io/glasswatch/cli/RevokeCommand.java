package io.glasswatch.cli;

import io.glasswatch.cli.demo.TopicReader;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.kafka.KafkaSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.ContainResult;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.TopicNames;
import io.glasswatch.schema.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code glasswatch revoke REQUEST_ID --reason TEXT}: a manual revoke through the same path as an
 * automatic one. Finds the request's latest grant (and its IAM Identity Center account assignment)
 * on {@code gateway-events}, produces a {@code revoke-commands} record with trigger {@code manual}
 * and {@code commandId = Hashing.deterministicId("revoke", "manual", requestId, reason)} (the same
 * request and reason issue the same command, executed once), then waits for the executor's final
 * result on {@code revoke-results} and prints the outcome and time-to-revoke; then waits for the
 * containment the containment service derives from the revoke ({@code contain-results}, command
 * {@code contain:<commandId>}: sessions issued before it denied by the permission set's inline policy)
 * and prints it with its time.
 *
 * <p>Exit status: 0 when CONFIRMED or ALREADY_ABSENT and the sessions CONTAINED (or containment is
 * switched off by the policy), 1 when the revoke or the containment FAILED, DRY_RUN, or no result within
 * {@code --timeout}, 2 when the request has no grant with an assignment. Needs a running revoke
 * executor and containment service ({@code glasswatch serve}).
 */
@Command(name = "revoke", description = "Revoke a request's grant now and print the confirmed outcome.")
public final class RevokeCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Parameters(index = "0", paramLabel = "REQUEST_ID", description = "The break-glass request whose grant is revoked.")
  String requestId;

  @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why, recorded in the timeline.")
  String reason;

  @Option(names = "--timeout", converter = TimeoutConverter.class, paramLabel = "DURATION",
      description = "How long to wait for the outcome: 90s, 2m or PT90S (default 90s).")
  Duration timeout = Duration.ofSeconds(90);

  /** Reads {@code --timeout} in the form of the {@code revoke.*} durations (e.g. 90s, 2m, PT90S). */
  static final class TimeoutConverter implements picocli.CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return io.glasswatch.alerts.enforcement.RevokeSettings.parseDuration(value);
    }
  }

  @Override
  public Integer call() throws Exception {
    GlasswatchSettings s = config.settings();
    Optional<GatewayEvent> grant = TopicReader.readAll(s, Topics.GATEWAY_EVENTS, GatewayEvent.class).stream()
        .filter(e -> "grant".equals(e.getType()) && requestId.equals(e.getRequestId()) && e.getAssignment() != null)
        .max(Comparator.comparing(GatewayEvent::getTimestamp));
    if (grant.isEmpty()) {
      System.err.println("request " + requestId + " has no grant with an account assignment on "
          + TopicNames.from(s).name(Topics.GATEWAY_EVENTS));
      return 2;
    }
    io.glasswatch.schema.RevokeCommand command = command(requestId, reason, grant.get(), Instant.now());
    AccountAssignment a = command.getAssignment();
    System.out.println("revoke " + command.getCommandId() + ": remove " + a.getPrincipalType() + " " + a.getPrincipalId()
        + " from " + a.getPermissionSetArn() + " on account " + a.getAccountId());
    KafkaSettings kafka = KafkaSettings.from(s); // idempotent, acks=all, and the kafka.producer.* keys
    try (KafkaProducer<String, io.glasswatch.schema.RevokeCommand> producer = new KafkaProducer<>(kafka.producerConfig(),
        new StringSerializer(), AvroSerdes.registry(kafka.registryUrl())
            .value(io.glasswatch.schema.RevokeCommand.class).serializer())) {
      producer.send(new ProducerRecord<>(kafka.topics().name(Topics.REVOKE_COMMANDS), command.getCommandId(), command))
          .get();
    }
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      List<RevokeResult> results = TopicReader.readAll(s, Topics.REVOKE_RESULTS, RevokeResult.class);
      Optional<RevokeResult> done = results.stream()
          .filter(r -> r.getStep() == null && command.getCommandId().equals(r.getCommandId())).findFirst();
      if (done.isPresent()) {
        int status = report(done.get());
        return status != 0 ? status : contained(s, "contain:" + command.getCommandId(), end);
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    System.out.println("no result for " + command.getCommandId() + " within " + timeout.toSeconds()
        + " s: is the revoke executor running (glasswatch serve)?");
    return 1;
  }

  /**
   * The manual revoke command of a request's grant.
   *
   * @param requestId the request
   * @param reason the operator's reason
   * @param grant the request's grant event (its assignment and token fingerprint are used)
   * @param now wall-clock time of the decision, for time-to-revoke
   * @return the command, trigger {@code manual}
   */
  static io.glasswatch.schema.RevokeCommand command(String requestId, String reason, GatewayEvent grant, Instant now) {
    return io.glasswatch.schema.RevokeCommand.newBuilder()
        .setCommandId(Hashing.deterministicId("revoke", "manual", requestId, reason))
        .setRequestId(requestId)
        .setCorrelationId(requestId)
        .setAlertId(null)
        .setTrigger("manual")
        .setReason("manual: " + reason)
        .setAssignment(grant.getAssignment())
        .setTokenFingerprint(grant.getTokenFingerprint())
        .setIssuedAt(now)
        .setDetectedAtWallClock(now)
        .build();
  }

  /**
   * Waits for the containment the revoke caused ({@code contain-results}, key {@code contain:<commandId>})
   * and prints it.
   *
   * @return 0 when CONTAINED or DISABLED by the policy (or a dry run), 1 when FAILED or none within the timeout
   */
  private static int contained(GlasswatchSettings s, String containId, long end) throws InterruptedException {
    while (System.nanoTime() < end) {
      Optional<ContainResult> r = TopicReader.readAll(s, Topics.CONTAIN_RESULTS, ContainResult.class).stream()
          .filter(x -> containId.equals(x.getCommandId()) && !x.getOutcome().startsWith("CLEAN")).findFirst();
      if (r.isPresent()) {
        return reportContainment(r.get());
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    System.out.println("no containment result for " + containId + " within the timeout: is the containment service "
        + "running (glasswatch serve)? Sessions issued before the revoke may still work until they expire.");
    return 1;
  }

  /** Prints a containment outcome; 0 unless FAILED. */
  static int reportContainment(ContainResult r) {
    switch (r.getOutcome()) {
      case "CONTAINED" -> System.out.printf(java.util.Locale.ROOT, "CONTAINED: sessions issued before %s denied on %s "
          + "(statement %s, provisioning %s) in %.1f s; the statement is removed after %s%n", r.getDeniedBefore(),
          r.getTargetArn(), r.getStatementSid(), r.getProvisioningStatus() == null ? "not needed" : r.getProvisioningStatus(),
          r.getTimeToContainMillis() / 1000.0, r.getCleanupAfter());
      case "DISABLED" -> System.out.println("containment skipped: the policy's containment section is off for account "
          + r.getAccountId() + "; sessions issued before the revoke may still work until they expire");
      default -> System.out.println("containment " + r.getOutcome() + ": " + r.getFailureReason()
          + (r.getContainmentFailedAlertId() == null ? "" : " (CONTAINMENT_FAILED " + r.getContainmentFailedAlertId() + ")"));
    }
    return "FAILED".equals(r.getOutcome()) ? 1 : 0;
  }

  private static int report(RevokeResult r) {
    switch (r.getOutcome()) {
      case "CONFIRMED" -> System.out.println("CONFIRMED: assignment removed and no longer listed; time-to-revoke "
          + r.getTimeToRevokeMillis() + " ms (" + r.getAttempts() + " DeleteAccountAssignment attempts)"
          + (r.getAlsoRevokedRequestIds().isEmpty() ? "" : "; also ended the grants of " + r.getAlsoRevokedRequestIds()));
      case "ALREADY_ABSENT" -> System.out.println("ALREADY_ABSENT: the principal no longer held the permission set");
      default -> System.out.println(r.getOutcome() + ": " + r.getFailureReason());
    }
    return "CONFIRMED".equals(r.getOutcome()) || "ALREADY_ABSENT".equals(r.getOutcome()) ? 0 : 1;
  }
}
