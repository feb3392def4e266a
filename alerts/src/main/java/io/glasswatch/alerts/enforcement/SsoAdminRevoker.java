package io.glasswatch.alerts.enforcement;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;

/**
 * Executes one {@link RevokeCommand} against IAM Identity Center and reports a {@link RevokeResult}.
 *
 * <p>One round (IAM Identity Center API Reference, docs.aws.amazon.com/singlesignon/latest/APIReference/):
 *
 * <ol>
 *   <li>{@code ListAccountAssignments} (API_ListAccountAssignments.html) for the command's instance,
 *       account and permission set: if the principal is not listed, the outcome is
 *       {@code ALREADY_ABSENT} (or {@code CONFIRMED} when an earlier round's deletion was accepted);
 *   <li>{@code DeleteAccountAssignment} (API_DeleteAccountAssignment.html) with
 *       {@code TargetType=AWS_ACCOUNT}; a {@code ResourceNotFoundException} here is re-checked with
 *       {@code ListAccountAssignments} and reported {@code ALREADY_ABSENT} when the principal is gone;
 *   <li>while the returned {@code AccountAssignmentDeletionStatus.Status} is {@code IN_PROGRESS},
 *       {@code DescribeAccountAssignmentDeletionStatus} (API_DescribeAccountAssignmentDeletionStatus.html)
 *       with jittered exponential waits ({@code pollInitial} doubling to {@code pollMax});
 *   <li>after {@code SUCCEEDED}, {@code ListAccountAssignments} must no longer list the principal,
 *       re-checked for up to {@code confirmGrace}; only then the outcome is {@code CONFIRMED}.
 * </ol>
 *
 * <p>Retries: throttling, 5xx, network errors and {@code ConflictException} are first retried by
 * the SDK ({@link SsoAdminClients#retryStrategy}); a conflict that outlasts those retries is tried
 * again up to {@code conflictRounds} rounds of SDK attempts. Whatever is still retryable after that
 * (the same errors, a deletion status {@code FAILED}, an assignment still listed after
 * {@code SUCCEEDED}) starts a new round after a jittered exponential wait ({@code retryInitial}
 * doubling to {@code retryMax}). A deletion that stays {@code IN_PROGRESS} is polled, not re-issued.
 *
 * <p>Time limits, measured from pick-up: at {@code deadline} (SPEC {@code revokeDeadline}, 60 s)
 * without confirmation the {@link Listener} hears {@code deadline_missed} once, with what was tried,
 * and the revoker keeps trying; at {@code giveUp} it stops with {@code FAILED}. A non-retryable
 * error ({@code AccessDeniedException}, {@code ValidationException}, no assignment in the command)
 * ends the command at once with {@code FAILED}.
 *
 * <p>{@code attempts} counts every HTTP attempt of {@code DeleteAccountAssignment}.
 * {@code timeToRevokeMillis} runs from the command's {@code detectedAtWallClock} (else the pick-up
 * time) to confirmation. In dry-run mode no AWS call is made and the outcome is {@code DRY_RUN}.
 * Thread-safe: one instance serves many threads. Logs name the command, principal, permission set
 * and account, never credentials.
 */
public final class SsoAdminRevoker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SsoAdminRevoker.class);
  private static final String LIST = "ListAccountAssignments";
  private static final String DELETE = "DeleteAccountAssignment";
  private static final String DESCRIBE = "DescribeAccountAssignmentDeletionStatus";

  /** Step names reported to a {@link Listener} (the {@code step} field of progress results). */
  public static final String STEP_DELETE_REQUESTED = "delete_requested";
  /** A new deletion status was seen by DescribeAccountAssignmentDeletionStatus. */
  public static final String STEP_STATUS_POLLED = "status_polled";
  /** A round failed retryably; another round follows after a wait. */
  public static final String STEP_RETRYING = "retrying";
  /** {@code deadline} passed without confirmation; the revoker keeps trying until {@code giveUp}. */
  public static final String STEP_DEADLINE_MISSED = "deadline_missed";

  /**
   * What a revoke has done so far.
   *
   * @param round rounds started, from 1
   * @param deleteAttempts HTTP attempts of DeleteAccountAssignment so far
   * @param deletionRequestId RequestId of the last accepted deletion, or null
   * @param deletionStatus last deletion status seen (IN_PROGRESS, SUCCEEDED, FAILED), or null
   * @param lastProblem the last failure, one line (translated AWS error, FailureReason), or null
   * @param elapsedMillis milliseconds since pick-up
   * @param deleteRequestedAt wall-clock time the last deletion was accepted, or null
   */
  public record Progress(int round, int deleteAttempts, String deletionRequestId, String deletionStatus,
      String lastProblem, long elapsedMillis, Instant deleteRequestedAt) {
    /**
     * One line for humans and alerts: rounds, attempts, deletion and last problem.
     *
     * @return e.g. "2 rounds, 9 DeleteAccountAssignment attempts, deletion b7c9.. IN_PROGRESS, last problem: .."
     */
    public String describe() {
      return round + (round == 1 ? " round, " : " rounds, ") + deleteAttempts + " " + DELETE + " attempts"
          + (deletionRequestId == null ? ", no deletion accepted" : ", deletion " + deletionRequestId + " "
              + deletionStatus)
          + (lastProblem == null ? "" : ", last problem: " + lastProblem) + ", " + elapsedMillis + " ms since pick-up";
    }
  }

  /** Hears the steps of one revoke, on the revoking thread. Must not throw. */
  @FunctionalInterface
  public interface Listener {
    /** A listener that ignores everything. */
    Listener NONE = (step, progress) -> { };

    /**
     * A step happened.
     *
     * @param step one of the {@code STEP_*} constants
     * @param progress the state at that step
     */
    void step(String step, Progress progress);
  }

  /**
   * Timing of one revoke.
   *
   * @param deadline time from pick-up to confirmation before {@code deadline_missed} (SPEC {@code revokeDeadline}, 60 s)
   * @param giveUp time from pick-up after which the revoker stops trying, at least {@code deadline}
   * @param pollInitial first wait before {@code DescribeAccountAssignmentDeletionStatus}
   * @param pollMax cap of the poll wait
   * @param confirmGrace how long {@code ListAccountAssignments} may still list the principal after SUCCEEDED
   * @param conflictRounds rounds of SDK attempts for {@code DeleteAccountAssignment} while it conflicts, at least 1
   * @param conflictWait base wait between conflict rounds (doubles each round, jittered)
   * @param retryInitial first wait before a new round after a retryable failure
   * @param retryMax cap of the wait between rounds
   */
  public record Options(Duration deadline, Duration giveUp, Duration pollInitial, Duration pollMax,
      Duration confirmGrace, int conflictRounds, Duration conflictWait, Duration retryInitial, Duration retryMax) {
    /** Validates ranges. */
    public Options {
      for (Duration d : List.of(deadline, giveUp, pollInitial, pollMax, confirmGrace, conflictWait, retryInitial,
          retryMax)) {
        if (d.isNegative()) {
          throw new IllegalArgumentException("durations must not be negative");
        }
      }
      if (deadline.isZero() || pollInitial.isZero() || pollInitial.compareTo(pollMax) > 0) {
        throw new IllegalArgumentException("deadline and poll interval must be positive, pollInitial <= pollMax");
      }
      if (giveUp.compareTo(deadline) < 0) {
        throw new IllegalArgumentException("giveUp must not be shorter than deadline");
      }
      if (retryInitial.isZero() || retryInitial.compareTo(retryMax) > 0) {
        throw new IllegalArgumentException("retryInitial must be positive and <= retryMax");
      }
      if (conflictRounds < 1 || conflictRounds > 10) {
        throw new IllegalArgumentException("conflictRounds must be 1-10");
      }
    }

    /**
     * Production timing.
     *
     * @return deadline 60 s, give up after 15 min, poll 250 ms doubling to 2 s, confirm grace 5 s,
     *     3 conflict rounds 1 s apart, rounds 1 s apart doubling to 30 s
     */
    public static Options defaults() {
      return new Options(Duration.ofSeconds(60), Duration.ofMinutes(15), Duration.ofMillis(250), Duration.ofSeconds(2),
          Duration.ofSeconds(5), 3, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /**
     * A copy with another deadline; the give-up time becomes the same (no trying past it), use
     * {@link #withGiveUp} afterwards to keep trying.
     *
     * @param d time from pick-up to confirmation
     * @return the copy
     */
    public Options withDeadline(Duration d) {
      return new Options(d, d, pollInitial, pollMax, confirmGrace, conflictRounds, conflictWait, retryInitial,
          retryMax);
    }

    /**
     * A copy with another give-up time.
     *
     * @param g time from pick-up after which the revoker stops trying, at least the deadline
     * @return the copy
     */
    public Options withGiveUp(Duration g) {
      return new Options(deadline, g, pollInitial, pollMax, confirmGrace, conflictRounds, conflictWait, retryInitial,
          retryMax);
    }

    /**
     * A copy with other poll waits.
     *
     * @param initial first wait before polling the deletion status
     * @param max cap of the poll wait
     * @return the copy
     */
    public Options withPoll(Duration initial, Duration max) {
      return new Options(deadline, giveUp, initial, max, confirmGrace, conflictRounds, conflictWait, retryInitial,
          retryMax);
    }

    /**
     * A copy with another confirmation grace.
     *
     * @param grace how long the list may still show the principal after SUCCEEDED
     * @return the copy
     */
    public Options withConfirmGrace(Duration grace) {
      return new Options(deadline, giveUp, pollInitial, pollMax, grace, conflictRounds, conflictWait, retryInitial,
          retryMax);
    }

    /**
     * A copy with other conflict rounds.
     *
     * @param rounds rounds of SDK attempts while DeleteAccountAssignment conflicts, 1-10
     * @param wait base wait between rounds
     * @return the copy
     */
    public Options withConflictRounds(int rounds, Duration wait) {
      return new Options(deadline, giveUp, pollInitial, pollMax, confirmGrace, rounds, wait, retryInitial, retryMax);
    }

    /**
     * A copy with other waits between rounds.
     *
     * @param initial first wait before a new round
     * @param max cap of the wait
     * @return the copy
     */
    public Options withRetry(Duration initial, Duration max) {
      return new Options(deadline, giveUp, pollInitial, pollMax, confirmGrace, conflictRounds, conflictWait, initial,
          max);
    }
  }

  private final SsoAdminClients.Source clients;
  private final Options options;
  private final Clock clock;
  private final String dryRunReason;
  private volatile Function<String, Duration> deadlines;

  /**
   * A revoker that calls AWS through one client for every account.
   *
   * @param client a client from {@link SsoAdminClients#create} (its interceptor counts attempts);
   *     closed by {@link #close()}
   * @param options timing
   * @param clock wall clock for the result's times
   */
  public SsoAdminRevoker(SsoAdminClient client, Options options, Clock clock) {
    this(SsoAdminClients.Source.of(Objects.requireNonNull(client, "client")), options, clock);
  }

  /**
   * A revoker that picks the client by target account (per-account role to assume).
   *
   * @param clients clients by account, from {@link SsoAdminClients#source}; closed by {@link #close()}
   * @param options timing
   * @param clock wall clock for the result's times
   */
  public SsoAdminRevoker(SsoAdminClients.Source clients, Options options, Clock clock) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dryRunReason = null;
    this.deadlines = account -> this.options.deadline();
  }

  private SsoAdminRevoker(String dryRunReason, Options options, Clock clock) {
    this.clients = null;
    this.options = options;
    this.clock = clock;
    this.dryRunReason = dryRunReason;
    this.deadlines = account -> this.options.deadline();
  }

  /**
   * Takes each revoke's deadline from the policy file: {@code revokeDeadline} of the target account's
   * override, else the top level ({@link io.glasswatch.catalogue.PolicyAlerts#revokeDeadline(String)}).
   * Without it, every revoke has {@link Options#deadline()}.
   *
   * @param byAccount deadline by target account id (null account: a command without an assignment)
   * @return this revoker
   */
  public SsoAdminRevoker withDeadlines(Function<String, Duration> byAccount) {
    this.deadlines = Objects.requireNonNull(byAccount, "byAccount");
    return this;
  }

  /**
   * The deadline of a revoke on {@code accountId}.
   *
   * @param accountId target account, or null
   * @return time from pick-up by which the revoke must be confirmed
   */
  public Duration deadlineFor(String accountId) {
    return deadlines.apply(accountId);
  }

  /**
   * A revoker that never calls AWS: every command yields {@code DRY_RUN}.
   *
   * @param reason why, recorded as the result's {@code failureReason} (e.g. "revoke.dry-run is true")
   * @return a dry-run revoker
   */
  public static SsoAdminRevoker dryRun(String reason) {
    return new SsoAdminRevoker(Objects.requireNonNull(reason, "reason"), Options.defaults(), Clock.systemUTC());
  }

  /**
   * The revoker the settings ask for, with the timing of {@link RevokeSettings#from} and
   * {@link SsoAdminClients.Tuning#defaults()}: dry-run when {@code revoke.dry-run} is true, or when
   * no endpoint override is set and the default AWS credentials chain finds no credentials (then
   * an error is logged); otherwise clients for {@code aws.sso-admin.endpoint} or the real AWS
   * endpoint, assuming the configured role per account.
   *
   * @param settings {@code revoke.*}, {@code aws.region}, {@code aws.sso-admin.endpoint}
   * @return a revoker; close it when done
   * @throws io.glasswatch.config.ConfigException when the region or a revoke setting is invalid
   */
  public static SsoAdminRevoker fromSettings(GlasswatchSettings settings) {
    return fromSettings(settings, RevokeSettings.from(settings).revokerOptions(), SsoAdminClients.Tuning.defaults());
  }

  /**
   * As {@link #fromSettings(GlasswatchSettings)} with explicit timing and client tuning.
   *
   * @param settings {@code revoke.dry-run}, {@code aws.region}, {@code aws.sso-admin.endpoint}, roles
   * @param options timing of one revoke
   * @param tuning SDK retries and timeouts
   * @return a revoker; close it when done
   */
  public static SsoAdminRevoker fromSettings(GlasswatchSettings settings, Options options, SsoAdminClients.Tuning tuning) {
    return fromSettings(RevokeSettings.from(settings), options, tuning);
  }

  /**
   * As {@link #fromSettings(GlasswatchSettings, Options, SsoAdminClients.Tuning)} from validated settings.
   *
   * @param revoke dry-run, region, endpoint and roles
   * @param options timing of one revoke
   * @param tuning SDK retries and timeouts
   * @return a revoker; close it when done
   */
  public static SsoAdminRevoker fromSettings(RevokeSettings revoke, Options options, SsoAdminClients.Tuning tuning) {
    if (revoke.dryRun()) {
      LOG.warn("{} is true: revoke commands are recorded as DRY_RUN and no assignment is deleted",
          GlasswatchSettings.REVOKE_DRY_RUN);
      return policyDeadlines(new SsoAdminRevoker(GlasswatchSettings.REVOKE_DRY_RUN + " is true", options,
          Clock.systemUTC()), revoke, options);
    }
    if (revoke.ssoEndpoint().isEmpty() && !SsoAdminClients.defaultCredentialsAvailable()) {
      LOG.error("no AWS credentials found and {} is not set: revoke commands are recorded as DRY_RUN",
          GlasswatchSettings.SSO_ENDPOINT);
      return policyDeadlines(new SsoAdminRevoker("no SSO Admin endpoint can be used: no AWS credentials found", options,
          Clock.systemUTC()), revoke, options);
    }
    return policyDeadlines(new SsoAdminRevoker(SsoAdminClients.source(revoke, tuning), options, Clock.systemUTC()), revoke,
        options);
  }

  /** The policy's deadlines per account apply unless the caller chose another deadline for this revoker. */
  private static SsoAdminRevoker policyDeadlines(SsoAdminRevoker r, RevokeSettings revoke, Options options) {
    return options.deadline().equals(revoke.deadline()) ? r.withDeadlines(revoke.policy()::revokeDeadline) : r;
  }

  /**
   * Whether this revoker only records DRY_RUN results.
   *
   * @return whether this revoker only records DRY_RUN results
   */
  public boolean isDryRun() {
    return dryRunReason != null;
  }

  /**
   * The timing.
   *
   * @return the timing
   */
  public Options options() {
    return options;
  }

  /**
   * Whether the principal of {@code assignment} currently holds its permission set on its account
   * ({@code ListAccountAssignments}, all pages).
   *
   * @param assignment the assignment to look for
   * @return true when listed
   * @throws RevokeException when the call fails after the SDK's retries
   * @throws IllegalStateException in dry-run mode
   */
  public boolean isAssigned(AccountAssignment assignment) {
    if (clients == null) {
      throw new IllegalStateException("a dry-run revoker cannot look up assignments");
    }
    return RevokeRun.listed(clients.forAccount(assignment.getAccountId()), assignment);
  }

  /**
   * Executes a command. Never throws for AWS or input problems: they become a {@code FAILED} result.
   *
   * @param command the command; a null {@code assignment} gives {@code FAILED}
   * @return the result, outcome one of {@link RevokeOutcome}; times are wall-clock epoch milliseconds
   */
  public RevokeResult revoke(RevokeCommand command) {
    return revoke(command, Listener.NONE);
  }

  /**
   * A result of {@code command}, final or progress, with the command's identity copied: command id,
   * request, correlation, alert, trigger, assignment and {@code commandIssuedAt}. The caller sets the
   * outcome and the execution fields.
   */
  static RevokeResult.Builder resultOf(RevokeCommand command) {
    return RevokeResult.newBuilder()
        .setCommandId(command.getCommandId())
        .setRequestId(command.getRequestId())
        .setCorrelationId(command.getCorrelationId())
        .setAlertId(command.getAlertId())
        .setTrigger(command.getTrigger())
        .setAssignment(command.getAssignment())
        .setCommandIssuedAt(command.getIssuedAt());
  }

  /**
   * Executes a command, reporting its steps. Blocks the calling thread up to {@code giveUp}.
   *
   * @param command the command; a null {@code assignment} gives {@code FAILED}
   * @param listener hears {@code delete_requested}, {@code status_polled}, {@code retrying} and
   *     {@code deadline_missed}
   * @return the final result, outcome one of {@link RevokeOutcome}
   */
  public RevokeResult revoke(RevokeCommand command, Listener listener) {
    AccountAssignment a = command.getAssignment();
    SsoAdminClient client = clients == null || a == null ? null : clients.forAccount(a.getAccountId());
    RevokeRun run = new RevokeRun(command, Objects.requireNonNull(listener, "listener"), client, options,
        deadlineFor(a == null ? null : a.getAccountId()), clock, dryRunReason);
    try {
      return run.execute();
    } catch (RevokeException e) {
      return run.finish(RevokeOutcome.FAILED, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return run.finish(RevokeOutcome.FAILED, "interrupted before the revoke was confirmed");
    } catch (RuntimeException e) {
      LOG.error("revoke {} failed unexpectedly", command.getCommandId(), e);
      return run.finish(RevokeOutcome.FAILED, "internal error: " + e);
    }
  }

  /** Closes the SSO Admin client (nothing to close in dry-run mode). */
  @Override
  public void close() {
    if (clients != null) {
      clients.close();
    }
  }

  @Override
  public String toString() {
    return dryRunReason != null ? "SsoAdminRevoker{dry-run: " + dryRunReason + "}" : "SsoAdminRevoker{" + options + "}";
  }
}
