package io.glasswatch.alerts.enforcement;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.ContainCommand;
import io.glasswatch.schema.ContainResult;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Ends the sessions of one {@link ContainCommand} and, later, removes its statement again.
 *
 * <p>One round of {@link #contain}: read the target's inline policy; merge the command's
 * {@link DenyStatement} into it ({@link InlinePolicyText}: others' statements stay byte for byte) and
 * write it unless the statement is already there; provision the permission set to the account and wait
 * for {@code SUCCEEDED} ({@link PolicyTarget#provision}); read the policy back and check the statement is
 * there as written. Only then the outcome is {@code CONTAINED}, with {@code cleanupAfter =
 * deniedBefore + maxSessionDuration}. Throttling, conflicts and 5xx are retried by the SDK first
 * ({@link SsoAdminClients#retryStrategy}, {@link IamClients#retryStrategy}); what is still retryable
 * (including a provisioning {@code FAILED} and a statement missing on read-back) starts a new round after
 * a jittered exponential wait, until {@code giveUp}. At {@code deadline} (the policy's
 * {@code revokeDeadline} for the account) the listener hears {@code contain_deadline_missed} once.
 *
 * <p>{@link #cleanUp}: read; remove the statement by Sid; write the rest, or delete the inline policy
 * when nothing else remains; provision again. A policy without the statement is already clean.
 *
 * <p>Thread-safe; calls for one target must be serialized by the caller (lanes of
 * {@link KeyedExecutor}) so read-merge-write never loses a statement.
 */
public final class SessionContainer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionContainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Step: picked up. */
  public static final String STEP_RECEIVED = "contain_received";
  /** Step: statement merged and written. */
  public static final String STEP_POLICY_WRITTEN = "contain_policy_written";
  /** Step: a provisioning status was seen. */
  public static final String STEP_PROVISIONING = "contain_provisioning";
  /** Step: a round failed retryably. */
  public static final String STEP_RETRYING = "contain_retrying";
  /** Step: not contained within the deadline; CONTAINMENT_FAILED is raised, trying goes on. */
  public static final String STEP_DEADLINE_MISSED = "contain_deadline_missed";
  /** Step: statement read back and provisioned. */
  public static final String STEP_CONTAINED = "contain_contained";
  /** Step: containment failed for good. */
  public static final String STEP_FAILED = "contain_failed";
  /** Step: the permission set or role does not exist, so none of its sessions can work. */
  public static final String STEP_TARGET_ABSENT = "contain_target_absent";
  /** Step: the policy says no containment. */
  public static final String STEP_SKIPPED = "contain_skipped";
  /** Step: CloudTrail shows a contained session denied. */
  public static final String STEP_SESSION_DENIED = "contain_session_denied";
  /** Step: CloudTrail shows a contained session succeeding after containment (CONTAINMENT_FAILED). */
  public static final String STEP_SESSION_SUCCEEDED = "contain_session_succeeded";
  /** Step: statement removed after the longest session ended. */
  public static final String STEP_CLEANED_UP = "contain_cleaned_up";
  /** Step: clean-up failed; it is tried again. */
  public static final String STEP_CLEANUP_FAILED = "contain_cleanup_failed";

  /** Hears the steps of a containment, on the executing thread; must not throw. */
  @FunctionalInterface
  public interface Listener {
    /** Ignores everything. */
    Listener NONE = (step, message) -> { };

    /**
     * A step.
     *
     * @param step one of the {@code STEP_*} names
     * @param message one line for the timeline
     */
    void step(String step, String message);
  }

  /**
   * Timing.
   *
   * @param giveUp from pick-up, after which no new round starts
   * @param pollInitial first wait of the provisioning waiter
   * @param pollMax cap of the waiter's wait
   * @param retryInitial first wait before a new round
   * @param retryMax cap of the wait between rounds
   */
  public record Options(Duration giveUp, Duration pollInitial, Duration pollMax, Duration retryInitial, Duration retryMax) {
    /** Validates. */
    public Options {
      for (Duration d : new Duration[] {giveUp, pollInitial, pollMax, retryInitial, retryMax}) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("durations must be positive");
        }
      }
    }

    /**
     * Production timing.
     *
     * @return give up after 15 min, poll 200 ms to 2 s, rounds 1 s to 30 s apart
     */
    public static Options defaults() {
      return new Options(Duration.ofMinutes(15), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(1),
          Duration.ofSeconds(30));
    }

    /**
     * Local servers.
     *
     * @param giveUp from pick-up
     * @return poll 20 to 200 ms, rounds 50 to 500 ms apart
     */
    public static Options fast(Duration giveUp) {
      return new Options(giveUp, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofMillis(50),
          Duration.ofMillis(500));
    }
  }

  private final SsoAdminClients.Source sso;
  private final Function<String, IamClient> iam;
  private final Runnable closer;
  private final Options options;
  private final Clock clock;
  private final String dryRunReason;

  /**
   * A container calling AWS.
   *
   * @param sso SSO Admin clients by account
   * @param iam IAM client by account (the account of the role)
   * @param closer closes the clients
   * @param options timing
   * @param clock wall clock
   */
  public SessionContainer(SsoAdminClients.Source sso, Function<String, IamClient> iam, Runnable closer, Options options,
      Clock clock) {
    this.sso = Objects.requireNonNull(sso, "sso");
    this.iam = Objects.requireNonNull(iam, "iam");
    this.closer = closer;
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dryRunReason = null;
  }

  private SessionContainer(String dryRunReason, Options options) {
    this.sso = null;
    this.iam = null;
    this.closer = () -> { };
    this.options = options;
    this.clock = Clock.systemUTC();
    this.dryRunReason = dryRunReason;
  }

  /**
   * A container that makes no AWS call: every command is {@code DRY_RUN}.
   *
   * @param reason recorded as failureReason
   * @return the container
   */
  public static SessionContainer dryRun(String reason) {
    return new SessionContainer(reason, Options.defaults());
  }

  /**
   * A container from settings: dry-run when {@code revoke.dry-run} is true or no credentials can be
   * found; otherwise SSO Admin and IAM clients for the configured endpoint.
   *
   * @param revoke validated revoke settings
   * @param tuning SDK retries and timeouts
   * @param options timing
   * @return the container; close it
   */
  public static SessionContainer fromSettings(RevokeSettings revoke, SsoAdminClients.Tuning tuning, Options options) {
    if (revoke.dryRun()) {
      return dryRun("revoke.dry-run is true");
    }
    if (revoke.ssoEndpoint().isEmpty() && !SsoAdminClients.defaultCredentialsAvailable()) {
      return dryRun("no AWS credentials found");
    }
    SsoAdminClients.Source sso = SsoAdminClients.source(revoke, tuning);
    IamClients.Source iam = IamClients.source(revoke, tuning);
    return new SessionContainer(sso, iam, () -> {
      sso.close();
      iam.close();
    }, options, Clock.systemUTC());
  }

  /**
   * Whether no AWS call is made.
   *
   * @return whether this container is a dry run
   */
  public boolean isDryRun() {
    return dryRunReason != null;
  }

  /**
   * The lane of a command: its permission set (the inline policy is one per permission set, whatever the
   * account) or its role.
   *
   * @param c the command
   * @return the key
   */
  public static String laneKey(ContainCommand c) {
    return c.getAssignment() != null ? c.getAssignment().getPermissionSetArn() : String.valueOf(c.getRoleArn());
  }

  /** The target of a command. */
  PolicyTarget target(ContainCommand c) {
    AccountAssignment a = c.getAssignment();
    if (a != null) {
      return new PermissionSetPolicy(sso.forAccount(a.getAccountId()), a.getInstanceArn(), a.getPermissionSetArn(),
          a.getAccountId(), options.pollInitial(), options.pollMax());
    }
    if (c.getRoleArn() != null) {
      return new RolePolicy(iam.apply(c.getAccountId()), c.getRoleArn());
    }
    throw new ContainException("the command names neither a permission set nor a role", false, false, null);
  }

  /** The statement of a command. */
  static DenyStatement statement(ContainCommand c) {
    if (c.getAssignment() != null) {
      return DenyStatement.forPermissionSet(c.getCommandId(), c.getAssignment().getPrincipalId(), c.getDeniedBefore());
    }
    return DenyStatement.forRole(c.getCommandId(), c.getDeniedBefore());
  }

  /**
   * A result of {@code c} with its identity filled in.
   *
   * @param c the command
   * @param outcome the outcome
   * @param startedAt pick-up time
   * @return a builder with completedAt now
   */
  ContainResult.Builder resultOf(ContainCommand c, String outcome, Instant startedAt) {
    AccountAssignment a = c.getAssignment();
    return ContainResult.newBuilder()
        .setCommandId(c.getCommandId()).setCorrelationId(c.getCorrelationId()).setRequestId(c.getRequestId())
        .setAlertId(c.getAlertId()).setTrigger(c.getTrigger()).setAccountId(c.getAccountId())
        .setTargetType(a != null ? "PERMISSION_SET" : "IAM_ROLE")
        .setTargetArn(a != null ? a.getPermissionSetArn() : String.valueOf(c.getRoleArn()))
        .setInstanceArn(a == null ? null : a.getInstanceArn())
        .setPrincipalId(a == null ? null : a.getPrincipalId())
        .setSessionName(c.getSessionName())
        .setStatementSid(DenyStatement.sidOf(c.getCommandId()))
        .setDeniedBefore(c.getDeniedBefore())
        .setOutcome(outcome).setAttempts(0).setStartedAt(startedAt).setCompletedAt(clock.instant());
  }

  /**
   * Contains the command's sessions. Never throws for AWS or input problems: they are a FAILED result.
   *
   * @param c the command
   * @param deadline from pick-up, after which the listener hears {@link #STEP_DEADLINE_MISSED} once
   * @param listener hears the steps
   * @return CONTAINED, FAILED, TARGET_ABSENT (the permission set or role does not exist: IAM Identity
   *     Center deletes a permission set's roles when it is deprovisioned, and a deleted role's sessions are
   *     denied) or DRY_RUN
   */
  public ContainResult contain(ContainCommand c, Duration deadline, Listener listener) {
    Instant start = clock.instant();
    String what = describe(c);
    listener.step(STEP_RECEIVED, "Containment of " + what + " picked up (" + c.getTrigger() + "): sessions issued "
        + "before " + c.getDeniedBefore() + " are to be denied");
    if (dryRunReason != null) {
      return resultOf(c, "DRY_RUN", start).setFailureReason(dryRunReason).build();
    }
    int attempts = 0;
    int round = 0;
    boolean deadlineReported = false;
    String lastProblem = null;
    String provisioningId = null;
    String provisioningStatus = null;
    Instant giveUp = start.plus(options.giveUp());
    Instant due = start.plus(deadline);
    while (true) {
      round++;
      try {
        PolicyTarget t = target(c);
        DenyStatement s = statement(c);
        Optional<String> before = t.read();
        String merged = InlinePolicyText.merge(before.orElse(null), s.json(), s.sid());
        if (before.isEmpty() || !merged.equals(before.get())) {
          attempts += Math.max(1, t.write(merged));
          int others = InlinePolicyText.sids(merged).size() - 1;
          listener.step(STEP_POLICY_WRITTEN, "Deny statement " + s.sid() + " merged into the inline policy of " + t
              + " (" + others + " other statement" + (others == 1 ? "" : "s") + " kept as they were)");
        }
        Duration left = Duration.between(clock.instant(), due);
        Duration wait = left.compareTo(Duration.ofSeconds(1)) > 0 ? left : Duration.between(clock.instant(), giveUp);
        if (wait.isNegative() || wait.isZero()) {
          wait = Duration.ofSeconds(1);
        }
        final String[] seen = new String[2];
        PolicyTarget.Provisioned p = t.provision(wait, (id, status) -> {
          if (!status.equals(seen[1]) || !id.equals(seen[0])) {
            seen[0] = id;
            seen[1] = status;
            listener.step(STEP_PROVISIONING, "ProvisionPermissionSet " + id + " to account " + c.getAccountId() + ": "
                + status);
          }
        });
        provisioningId = p.requestId();
        provisioningStatus = p.status();
        Optional<String> back = t.read();
        if (!sameStatement(back.orElse(null), s)) {
          throw new ContainException("read-back of " + t + " does not hold statement " + s.sid() + " as written", true,
              false, null);
        }
        Duration sessions = t.maxSessionDuration();
        Instant now = clock.instant();
        Instant detected = c.getDetectedAtWallClock() == null ? start : c.getDetectedAtWallClock();
        long ms = Math.max(0, Duration.between(detected, now).toMillis());
        return resultOf(c, "CONTAINED", start).setAttempts(attempts).setProvisioningRequestId(provisioningId)
            .setProvisioningStatus(provisioningStatus).setTimeToContainMillis(ms)
            .setCleanupAfter(c.getDeniedBefore().plus(sessions)).setCompletedAt(now).build();
      } catch (ContainException e) {
        lastProblem = e.getMessage();
        if (e.notFound()) {
          // the permission set (with the roles it provisioned) or the role does not exist: no session of it works
          return resultOf(c, "TARGET_ABSENT", start).setAttempts(attempts).setFailureReason(lastProblem).build();
        }
        if (!e.retryable() || !clock.instant().isBefore(giveUp)) {
          return resultOf(c, "FAILED", start).setAttempts(attempts).setProvisioningRequestId(provisioningId)
              .setProvisioningStatus(provisioningStatus).setFailureReason(lastProblem + " (" + round + " round"
                  + (round == 1 ? "" : "s") + ")").build();
        }
        listener.step(STEP_RETRYING, "Containment of " + what + " is retried: " + lastProblem);
      } catch (IllegalArgumentException e) {
        return resultOf(c, "FAILED", start).setAttempts(attempts).setFailureReason(e.getMessage()).build();
      } catch (RuntimeException e) {
        LOG.error("containment {} failed unexpectedly", c.getCommandId(), e);
        return resultOf(c, "FAILED", start).setAttempts(attempts).setFailureReason("internal error: " + e).build();
      }
      if (!deadlineReported && !clock.instant().isBefore(due)) {
        deadlineReported = true;
        listener.step(STEP_DEADLINE_MISSED, "Containment of " + what + " not confirmed within " + deadline.toMillis()
            + " ms (" + round + " rounds, last problem: " + lastProblem + "); still trying");
      }
      if (!sleep(backoff(round), giveUp)) {
        return resultOf(c, "FAILED", start).setAttempts(attempts).setFailureReason("interrupted: " + lastProblem).build();
      }
    }
  }

  /**
   * Removes the statement of a CONTAINED result.
   *
   * @param r the containment's result
   * @param listener hears nothing today (the caller reports the outcome)
   * @return CLEANED_UP or CLEANUP_FAILED
   */
  public ContainResult cleanUp(ContainResult r, Listener listener) {
    Instant start = clock.instant();
    ContainResult.Builder out = ContainResult.newBuilder(r).setStartedAt(start).setFailureReason(null)
        .setTimeToContainMillis(null).setAttempts(0);
    if (dryRunReason != null) {
      return out.setOutcome("CLEANED_UP").setCompletedAt(clock.instant()).setFailureReason(dryRunReason).build();
    }
    ContainCommand c = ContainCommands.of(r);
    try {
      PolicyTarget t = target(c);
      Optional<String> doc = t.read();
      if (doc.isPresent() && InlinePolicyText.contains(doc.get(), r.getStatementSid())) {
        Optional<String> rest = InlinePolicyText.remove(doc.get(), r.getStatementSid());
        if (rest.isPresent()) {
          out.setAttempts(t.write(rest.get()));
        } else {
          t.delete();
          out.setAttempts(1);
        }
        PolicyTarget.Provisioned p = t.provision(options.giveUp(), PolicyTarget.ProvisionListener.NONE);
        out.setProvisioningRequestId(p.requestId()).setProvisioningStatus(p.status());
      }
      return out.setOutcome("CLEANED_UP").setCompletedAt(clock.instant()).build();
    } catch (RuntimeException e) {
      return out.setOutcome("CLEANUP_FAILED").setFailureReason(e.getMessage()).setCompletedAt(clock.instant()).build();
    }
  }

  /** Whether the document holds the statement with the same content (JSON equality). */
  static boolean sameStatement(String document, DenyStatement s) {
    try {
      return InlinePolicyText.statement(document, s.sid()).map(n -> {
        try {
          return n.equals(JSON.readTree(s.json()));
        } catch (IOException e) {
          return false;
        }
      }).orElse(false);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** One line naming the target. */
  static String describe(ContainCommand c) {
    AccountAssignment a = c.getAssignment();
    if (a != null) {
      return "the sessions of user " + a.getPrincipalId() + " on permission set " + a.getPermissionSetArn()
          + " in account " + a.getAccountId();
    }
    return "the sessions of role " + c.getRoleArn();
  }

  private Duration backoff(int round) {
    long cap = Math.min(options.retryMax().toMillis(), options.retryInitial().toMillis() << Math.min(round - 1, 20));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
  }

  private boolean sleep(Duration d, Instant giveUp) {
    long ms = Math.min(d.toMillis(), Math.max(0, Duration.between(clock.instant(), giveUp).toMillis()));
    try {
      Thread.sleep(ms);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The timing.
   *
   * @return the timing
   */
  public Options options() {
    return options;
  }

  @Override
  public void close() {
    if (closer != null) {
      closer.run();
    }
  }

  @Override
  public String toString() {
    return dryRunReason == null ? "SessionContainer{" + options + "}" : "SessionContainer{dry-run: " + dryRunReason + "}"
        .toLowerCase(Locale.ROOT);
  }
}
