package io.glasswatch.cli.demo;

import io.glasswatch.alerts.enforcement.ContainmentPolicy;
import io.glasswatch.alerts.enforcement.IamClients;
import io.glasswatch.alerts.enforcement.RevokeSettings;
import io.glasswatch.alerts.enforcement.SsoAdminClients;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.ContainResult;
import io.glasswatch.schema.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * The containments of the demo's session alerts ({@code SESSION_OUTLIVED_GRANT} and
 * {@code EMERGENCY_ROLE_WITHOUT_REQUEST}, scenario {@value DemoScenarios#AWS_SESSIONS}): the emergency
 * roles they contain are created in moto first, the demo waits until the containment service has a result
 * for each of these alerts, and prints them.
 *
 * <p>The containment service contains a {@code SESSION_OUTLIVED_GRANT} on the request's permission set when
 * an earlier revoke result told it the request's assignment, else on the account's emergency roles
 * (README, "Containment"). In scenario 10 the gateway ended the grant itself, so the only revoke result of
 * the request is the expiry sweeper's, decided with the alerts at the new sign-in: an alert read before it
 * contains the emergency role ({@code CONTAINED}), one read after it the scenario's permission set, which
 * moto does not hold ({@code TARGET_ABSENT}; in the runs so far both alerts found the sweeper's result).
 * Every outcome is printed as it is; none is an alert of the streams app, so none changes the comparison
 * with the offline replay. A {@code FAILED} one raises {@code CONTAINMENT_FAILED}, which the demo lists
 * apart (an executor outcome, like {@code REVOKE_FAILED}).
 */
public final class SessionContainments {
  /** The inline policy the containment service writes an emergency role's deny statements to. */
  static final String CONTAINMENT_POLICY = "GlasswatchContainment";
  private final GlasswatchSettings settings;
  private final Map<String, Alert> alerts = new TreeMap<>();
  private final List<ContainResult> results = new ArrayList<>();

  /**
   * The containments of the session alerts among {@code expected}.
   *
   * @param settings the demo's settings (Kafka, registry)
   * @param expected the alerts of the offline replay
   */
  public SessionContainments(GlasswatchSettings settings, List<Alert> expected) {
    this.settings = settings;
    expected.stream().filter(a -> ContainmentPolicy.SESSION_TYPES.contains(a.getAlertType()))
        .forEach(a -> alerts.put(a.getAlertId(), a));
  }

  /**
   * Creates in moto every emergency role the policy file lists (by name: moto serves one account, and
   * containment addresses a role by its name), with a maximum session duration of one hour; a role that
   * exists already (a second run on a kept stack) is kept, without the deny statements of an earlier run.
   *
   * @param settings settings with moto's endpoint ({@code aws.sso-admin.endpoint})
   * @param policyFile the demo's policy file, or null for the built-in defaults (no emergency role)
   * @param say where lines go
   */
  public static void createRoles(GlasswatchSettings settings, Path policyFile, Consumer<String> say) {
    List<String> roles = ContainmentPolicy.load(policyFile).emergencyRoles().values().stream()
        .flatMap(List::stream).sorted().toList();
    if (roles.isEmpty()) {
      return;
    }
    try (IamClient iam = IamClients.create(RevokeSettings.from(settings), SsoAdminClients.Tuning.defaults())) {
      for (String arn : roles) {
        String name = arn.substring(arn.lastIndexOf('/') + 1);
        String state;
        try {
          iam.createRole(r -> r.roleName(name).maxSessionDuration(3600).assumeRolePolicyDocument(
              "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                  + "\"arn:aws:iam::" + arn.split(":")[4] + ":root\"},\"Action\":\"sts:AssumeRole\"}]}"));
          state = "created";
        } catch (EntityAlreadyExistsException e) {
          // a kept stack: an earlier run's deny statements (inline policy GlasswatchContainment, README
          // "Containment") would outlive the topics the demo starts afresh, and the same alert would find
          // its own statement, written with another deny time, in the way
          try {
            iam.deleteRolePolicy(r -> r.roleName(name).policyName(CONTAINMENT_POLICY));
            state = "already there; an earlier run's " + CONTAINMENT_POLICY + " policy removed";
          } catch (NoSuchEntityException gone) {
            state = "already there";
          }
        }
        say.accept("  emergency role " + name + " of the policy (" + arn + "): " + state + " in moto, where its"
            + " sessions are contained");
      }
    }
  }

  /**
   * The number of session alerts the replay raised.
   *
   * @return alerts of types {@link ContainmentPolicy#SESSION_TYPES}
   */
  public int expected() {
    return alerts.size();
  }

  /**
   * Waits until {@code contain-results} holds a containment result for every session alert.
   *
   * @param timeout longest wait
   * @return whether every one has a result
   * @throws InterruptedException when interrupted
   */
  public boolean await(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean all = take(TopicReader.readAll(settings, Topics.CONTAIN_RESULTS, ContainResult.class));
      if (all || System.nanoTime() > deadline) {
        return all;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
  }

  /**
   * Keeps the results of the session alerts among {@code contained} (clean-ups left out), replacing those
   * kept before.
   *
   * @param contained the records of {@code contain-results}
   * @return whether every session alert has a result
   */
  boolean take(List<ContainResult> contained) {
    results.clear();
    contained.stream().filter(r -> r.getAlertId() != null && alerts.containsKey(r.getAlertId()))
        .filter(r -> !r.getCommandId().endsWith("/cleanup") && !r.getOutcome().startsWith("CLEAN"))
        .sorted(Comparator.comparing(ContainResult::getCommandId)).forEach(results::add);
    return alerts.keySet().stream().allMatch(id -> results.stream().anyMatch(r -> id.equals(r.getAlertId())));
  }

  /**
   * One line per containment of a session alert, after {@link #await}, e.g. {@code "SESSION_OUTLIVED_GRANT
   * JIT-20240506-0007 (priya@example.com) CONTAINED in 0.3 s after detection on role ...: sessions issued before
   * ... denied (GlasswatchContain...); statement removed after ..."}; a session alert without a result says so.
   *
   * @return the lines
   */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    for (Alert a : alerts.values().stream().sorted(Comparator.comparing(Alert::getEventTime)).toList()) {
      String head = String.format("%-30s %-22s %-20s ", a.getAlertType(), a.getRequestId() == null
          ? a.getCorrelationId() : a.getRequestId(), "(" + a.getSubject() + ")");
      List<ContainResult> mine = results.stream().filter(r -> a.getAlertId().equals(r.getAlertId())).toList();
      if (mine.isEmpty()) {
        out.add(head + "no containment result");
      }
      for (ContainResult r : mine) {
        out.add(head + line(r) + note(a, r));
      }
    }
    return out;
  }

  private static String line(ContainResult r) {
    String target = ("IAM_ROLE".equals(r.getTargetType()) ? "role " : "permission set ") + r.getTargetArn();
    if (!"CONTAINED".equals(r.getOutcome())) {
      return r.getOutcome() + " on " + target + (r.getFailureReason() == null ? "" : ": " + r.getFailureReason());
    }
    return String.format(Locale.ROOT, "CONTAINED in %.1f s after detection on %s: sessions issued before %s denied"
        + " (%s%s); statement removed after %s", r.getTimeToContainMillis() / 1000.0, target, r.getDeniedBefore(),
        r.getStatementSid(), r.getProvisioningStatus() == null ? "" : ", provisioning " + r.getProvisioningStatus(),
        r.getCleanupAfter());
  }

  private static String note(Alert a, ContainResult r) {
    return "SESSION_OUTLIVED_GRANT".equals(a.getAlertType()) && "IAM_ROLE".equals(r.getTargetType())
        ? " [no revoke result had told the containment service the request's permission set yet (the grant was ended"
            + " by the gateway): the account's emergency roles are contained]"
        : "";
  }
}
