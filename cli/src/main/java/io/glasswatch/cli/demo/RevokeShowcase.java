package io.glasswatch.cli.demo;

import io.glasswatch.alerts.enforcement.SsoAdminClients;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.producers.input.InputReader;
import io.glasswatch.producers.kafka.EventProducer;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.schema.ContainResult;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.PrincipalType;
import software.amazon.awssdk.services.ssoadmin.model.TargetType;

/**
 * The three revoke paths of {@code glasswatch demo}, each shown with its outcome and time-to-revoke,
 * on the running pipeline after the bundled scenarios:
 *
 * <ol>
 *   <li><b>auto-revoke</b>: a CONFIRMED result of an alert-triggered command from the scenarios;
 *   <li><b>manual revoke</b>: request {@value #MANUAL_REQUEST} (compliant, two approvals, a grant of
 *       one hour whose IAM Identity Center assignment is created in moto first) revoked with
 *       {@code glasswatch revoke} itself, the same command an operator runs;
 *   <li><b>sweeper revoke</b>: request {@value #SWEEP_REQUEST}, whose grant ends two minutes after it
 *       starts while its assignment (created in moto) is still present; a clock tick past the end
 *       makes the streams app's expiry sweeper issue the revoke, recorded as a late revoke.
 * </ol>
 *
 * After the manual revoke the containment service ends the sessions the user already holds: the
 * showcase's permission set is a real one in moto, with an inline policy of its own, and the
 * containment's deny statement, its provisioning and its times are shown next to the three revokes
 * ({@link #describeContainment}).
 *
 * The two requests start one minute after the last scenario event (event time), on their own account
 * {@value #ACCOUNT} (used by no scenario), so they share no account state with the scenarios. Each
 * revoke counts only when its final result is CONFIRMED and the principal is no longer listed by
 * {@code ListAccountAssignments}.
 */
public final class RevokeShowcase {
  /** Request revoked by hand. */
  public static final String MANUAL_REQUEST = "JIT-DEMO-MANUAL";

  /** Request whose expired grant the sweeper revokes. */
  public static final String SWEEP_REQUEST = "JIT-DEMO-SWEEP";

  /** Account of both requests. */
  public static final String ACCOUNT = "135792468024";

  private String instance = "arn:aws:sso:::instance/ssoins-6666555544443333";
  private String permissionSet = "arn:aws:sso:::permissionSet/ssoins-6666555544443333/ps-2323454567678989";
  private ContainResult containment;
  private static final String MANUAL_PRINCIPAL = "demo-user-manual";
  private static final String SWEEP_PRINCIPAL = "demo-user-sweep";

  /**
   * One shown revoke.
   *
   * @param path auto-revoke, manual revoke or sweeper revoke
   * @param result the final revoke result, or null when none arrived in time
   * @param gone whether the principal no longer holds the permission set on the account (moto)
   */
  public record Shown(String path, RevokeResult result, boolean gone) {
    /**
     * Whether the revoke is confirmed and the assignment gone.
     *
     * @return CONFIRMED and gone
     */
    public boolean confirmed() {
      return result != null && "CONFIRMED".equals(result.getOutcome()) && gone;
    }

    /**
     * One line, e.g. {@code "manual revoke   JIT-DEMO-MANUAL  CONFIRMED, time-to-revoke 180 ms (USER demo-user-manual on 444455556666)"}.
     *
     * @return the line
     */
    public String describe() {
      if (result == null) {
        return String.format("%-15s no result", path);
      }
      String who = result.getAssignment() == null ? "no assignment" : result.getAssignment().getPrincipalType() + " "
          + result.getAssignment().getPrincipalId() + " on " + result.getAssignment().getAccountId();
      return String.format("%-15s %-20s %s%s (%s; trigger %s; assignment %s)", path, result.getRequestId(),
          result.getOutcome(), result.getTimeToRevokeMillis() == null ? "" : ", time-to-revoke "
              + result.getTimeToRevokeMillis() + " ms", who, result.getTrigger(), gone ? "gone" : "STILL PRESENT");
    }
  }

  /** Runs one {@code glasswatch} command in process, as {@code GlasswatchCli.execute(settings, out, err, args)} does. */
  @FunctionalInterface
  public interface Commands {
    /**
     * Runs {@code args} against {@code settings}.
     *
     * @return the command's exit status
     */
    int execute(GlasswatchSettings settings, PrintStream out, PrintStream err, String... args);
  }

  private final GlasswatchSettings settings;
  private final Consumer<String> say;
  private final Duration timeout;
  private final Commands commands;

  /**
   * A showcase on a running pipeline.
   *
   * @param settings the demo's settings (Kafka, registry, moto endpoint)
   * @param say where lines go
   * @param timeout longest wait for each revoke result
   * @param commands runs the {@code glasswatch revoke} command shown as a user types it
   */
  public RevokeShowcase(GlasswatchSettings settings, Consumer<String> say, Duration timeout, Commands commands) {
    this.settings = settings;
    this.say = say;
    this.timeout = timeout;
    this.commands = commands;
  }

  /**
   * Shows the three paths.
   *
   * @param work scratch directory for the two requests' input file
   * @param lastEventTime event time of the last scenario event; the requests start one minute later
   * @return auto-revoke, manual revoke, sweeper revoke, in this order
   * @throws IOException when the input file cannot be written
   * @throws InterruptedException when interrupted while waiting
   */
  public List<Shown> run(Path work, Instant lastEventTime) throws IOException, InterruptedException {
    List<Shown> shown = new ArrayList<>();
    Optional<RevokeResult> auto = finals().stream()
        .filter(r -> "alert".equals(r.getTrigger()) && "CONFIRMED".equals(r.getOutcome())).findFirst();
    shown.add(new Shown("auto-revoke", auto.orElse(null), auto.isPresent() && auto.get().getAssignment() != null
        && !assigned(auto.get().getAssignment().getInstanceArn(), auto.get().getAssignment().getAccountId(),
            auto.get().getAssignment().getPermissionSetArn(), auto.get().getAssignment().getPrincipalId())));

    realPermissionSet();
    say.accept("  creating the assignments of " + MANUAL_REQUEST + " and " + SWEEP_REQUEST + " in moto (account " + ACCOUNT + ")");
    assign(MANUAL_PRINCIPAL);
    assign(SWEEP_PRINCIPAL);
    Instant t = lastEventTime.truncatedTo(ChronoUnit.SECONDS).plusSeconds(60);
    Instant sweepEnd = t.plusSeconds(150);
    Path file = work.resolve("revoke-showcase.jsonl");
    List<String> lines = new ArrayList<>();
    lines.addAll(request(MANUAL_REQUEST, "uma@example.com", MANUAL_PRINCIPAL, t, t.plusSeconds(3600)));
    lines.addAll(request(SWEEP_REQUEST, "sam@example.com", SWEEP_PRINCIPAL, t, sweepEnd));
    Files.createDirectories(work);
    Files.write(file, lines);
    List<NormalizeResult> input = new InputReader().readAll(List.of(file));
    try (EventProducer producer = new EventProducer(settings)) {
      producer.produceResults(input, line -> { });
      // deadline time past the sweep grant's end, not past the manual grant's
      producer.produceClockTicks(sweepEnd.plusSeconds(30));
    }
    waitFor(() -> TopicReader.readAll(settings, Topics.GATEWAY_EVENTS, GatewayEvent.class).stream()
        .anyMatch(e -> MANUAL_REQUEST.equals(e.getRequestId()) && "grant".equals(e.getType())));

    say.accept("  $ glasswatch revoke " + MANUAL_REQUEST + " --reason \"demo: subject left the incident\"");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int code = cli(new PrintStream(printed, true, StandardCharsets.UTF_8), "revoke", MANUAL_REQUEST, "--reason",
        "demo: subject left the incident", "--timeout", timeout.toSeconds() + "s");
    printed.toString(StandardCharsets.UTF_8).lines().forEach(l -> say.accept("    " + l));
    if (code != 0) {
      say.accept("    (glasswatch revoke exited with " + code + ")");
    }
    RevokeResult manual = finalOf(MANUAL_REQUEST, "manual");
    shown.add(new Shown("manual revoke", manual, !assigned(instance, ACCOUNT, permissionSet, MANUAL_PRINCIPAL)));

    if (manual != null) {
      String id = "contain:" + manual.getCommandId();
      waitFor(() -> containResult(id) != null);
      containment = containResult(id);
    }
    waitFor(() -> finalOf(SWEEP_REQUEST, "expiry") != null);
    RevokeResult sweep = finalOf(SWEEP_REQUEST, "expiry");
    shown.add(new Shown("sweeper revoke", sweep, !assigned(instance, ACCOUNT, permissionSet, SWEEP_PRINCIPAL)));
    return shown;
  }

  /**
   * The containment of the manual revoke's sessions, after {@link #run}.
   *
   * @return the contain result, or null when none arrived in time
   */
  public ContainResult containment() {
    return containment;
  }

  /**
   * One line for the containment, e.g. {@code "containment     JIT-DEMO-MANUAL  CONTAINED in 0.4 s after detection:
   * sessions issued before 2026-12-07T01:00:01Z denied (GlasswatchContain..., provisioning SUCCEEDED); removed after
   * 2026-12-07T02:00:01Z"}.
   *
   * @param r the result, or null
   * @return the line
   */
  public static String describeContainment(ContainResult r) {
    if (r == null) {
      return String.format("%-15s no result", "containment");
    }
    if (!"CONTAINED".equals(r.getOutcome())) {
      return String.format("%-15s %-20s %s: %s", "containment", r.getRequestId(), r.getOutcome(), r.getFailureReason());
    }
    return String.format(java.util.Locale.ROOT, "%-15s %-20s CONTAINED in %.1f s after detection: sessions issued before "
        + "%s denied (%s, provisioning %s); statement removed after %s", "containment", r.getRequestId(),
        r.getTimeToContainMillis() / 1000.0, r.getDeniedBefore(), r.getStatementSid(), r.getProvisioningStatus(),
        r.getCleanupAfter());
  }

  private ContainResult containResult(String commandId) {
    return TopicReader.readAll(settings, Topics.CONTAIN_RESULTS, ContainResult.class).stream()
        .filter(r -> commandId.equals(r.getCommandId()) && !r.getOutcome().startsWith("CLEAN")).findFirst().orElse(null);
  }

  /**
   * The showcase's permission set is a real one in moto (its inline policy is where containment writes):
   * created with a session duration of one hour and an inline policy of its own that containment keeps.
   */
  private void realPermissionSet() {
    try (SsoAdminClient sso = SsoAdminClients.create(settings, SsoAdminClients.Tuning.defaults())) {
      instance = sso.listInstances(r -> { }).instances().getFirst().instanceArn();
      permissionSet = sso.createPermissionSet(r -> r.instanceArn(instance).name("DemoBreakGlass-"
          + Long.toHexString(System.nanoTime())).sessionDuration("PT1H")).permissionSet().permissionSetArn();
      String ps = permissionSet;
      sso.putInlinePolicyToPermissionSet(r -> r.instanceArn(instance).permissionSetArn(ps).inlinePolicy(
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DemoOps\",\"Effect\":\"Allow\","
              + "\"Action\":\"ec2:Describe*\",\"Resource\":\"*\"}]}"));
      say.accept("  permission set " + permissionSet + " created in moto (session duration 1 h, one inline statement)");
    } catch (RuntimeException e) {
      say.accept("  moto has no IAM Identity Center instance to create a permission set in (" + e.getMessage()
          + "); the showcase uses a fictional one and containment finds nothing to contain");
    }
  }

  private List<RevokeResult> finals() {
    return TopicReader.readAll(settings, Topics.REVOKE_RESULTS, RevokeResult.class).stream()
        .filter(r -> r.getStep() == null).toList();
  }

  private RevokeResult finalOf(String requestId, String trigger) {
    return finals().stream().filter(r -> requestId.equals(r.getRequestId()) && trigger.equals(r.getTrigger()))
        .max(Comparator.comparing(RevokeResult::getCompletedAt)).orElse(null);
  }

  private void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < end) {
      TimeUnit.MILLISECONDS.sleep(250);
    }
  }

  private int cli(PrintStream out, String... command) {
    return commands.execute(settings, out, out, command);
  }


  private void assign(String principal) {
    try (SsoAdminClient sso = SsoAdminClients.create(settings, SsoAdminClients.Tuning.defaults())) {
      sso.createAccountAssignment(b -> b.instanceArn(instance).targetId(ACCOUNT).targetType(TargetType.AWS_ACCOUNT)
          .permissionSetArn(permissionSet).principalType(PrincipalType.USER).principalId(principal));
    }
  }

  private boolean assigned(String instance, String account, String permissionSet, String principal) {
    try (SsoAdminClient sso = SsoAdminClients.create(settings, SsoAdminClients.Tuning.defaults())) {
      return sso.listAccountAssignmentsPaginator(b -> b.instanceArn(instance).accountId(account)
          .permissionSetArn(permissionSet)).accountAssignments().stream().anyMatch(a -> principal.equals(a.principalId()));
    }
  }

  /** A compliant JIT request: request, two approvals, a grant at {@code t + 30 s} ending at {@code expiresAt}. */
  private List<String> request(String requestId, String subject, String principal, Instant t, Instant expiresAt) {
    String assignment = String.format("{\"instanceArn\":\"%s\",\"accountId\":\"%s\",\"permissionSetArn\":\"%s\","
        + "\"principalType\":\"USER\",\"principalId\":\"%s\"}", instance, ACCOUNT, permissionSet, principal);
    return List.of(
        String.format("{\"type\":\"request\",\"requestId\":\"%s\",\"subject\":\"%s\",\"justification\":\"INC-88 restore\","
            + "\"ticketId\":\"INC-88\",\"accountId\":\"%s\",\"timestamp\":\"%s\"}", requestId, subject, ACCOUNT, t),
        String.format("{\"type\":\"approval\",\"requestId\":\"%s\",\"approver\":\"bob@example.com\",\"approverAcr\":\"loa2\","
            + "\"approverRole\":\"incident_command\",\"timestamp\":\"%s\"}", requestId, t.plusSeconds(5)),
        String.format("{\"type\":\"approval\",\"requestId\":\"%s\",\"approver\":\"carol@example.com\",\"approverAcr\":\"loa2\","
            + "\"approverRole\":\"security\",\"timestamp\":\"%s\"}", requestId, t.plusSeconds(10)),
        String.format("{\"type\":\"grant\",\"requestId\":\"%s\",\"tokenId\":\"tok-%s-demo\",\"singleUse\":false,"
            + "\"expiresAt\":\"%s\",\"timestamp\":\"%s\",\"assignment\":%s}", requestId, requestId, expiresAt,
            t.plusSeconds(30), assignment));
  }
}
