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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.AccountAssignmentOperationStatus;
import software.amazon.awssdk.services.ssoadmin.model.DeleteAccountAssignmentRequest;
import software.amazon.awssdk.services.ssoadmin.model.DescribeAccountAssignmentDeletionStatusRequest;
import software.amazon.awssdk.services.ssoadmin.model.ListAccountAssignmentsRequest;
import software.amazon.awssdk.services.ssoadmin.model.StatusValues;
import software.amazon.awssdk.services.ssoadmin.model.TargetType;

/**
 * Executes one {@link RevokeCommand} against IAM Identity Center and reports a {@link RevokeResult}.
 *
 * <p>Steps (IAM Identity Center API Reference, docs.aws.amazon.com/singlesignon/latest/APIReference/):
 *
 * <ol>
 *   <li>{@code ListAccountAssignments} (API_ListAccountAssignments.html) for the command's instance,
 *       account and permission set: if the principal is not listed, the outcome is
 *       {@code ALREADY_ABSENT} and nothing is deleted;
 *   <li>{@code DeleteAccountAssignment} (API_DeleteAccountAssignment.html) with
 *       {@code TargetType=AWS_ACCOUNT}; a {@code ResourceNotFoundException} here is re-checked with
 *       {@code ListAccountAssignments} and reported {@code ALREADY_ABSENT} when the principal is gone;
 *   <li>while the returned {@code AccountAssignmentDeletionStatus.Status} is {@code IN_PROGRESS},
 *       {@code DescribeAccountAssignmentDeletionStatus} (API_DescribeAccountAssignmentDeletionStatus.html)
 *       with jittered exponential waits ({@code pollInitial} doubling to {@code pollMax}) until
 *       {@code SUCCEEDED} or {@code FAILED} or the {@code deadline} (measured from pick-up);
 *   <li>after {@code SUCCEEDED}, {@code ListAccountAssignments} must no longer list the principal,
 *       re-checked for up to {@code confirmGrace}; only then the outcome is {@code CONFIRMED}.
 * </ol>
 *
 * <p>Everything else is {@code FAILED} with a {@code failureReason} naming the step and the AWS
 * error. Throttling, 5xx, network errors and {@code ConflictException} are retried by the SDK
 * ({@link SsoAdminClients#retryStrategy}); a conflict that outlasts those retries is retried by
 * this class up to {@code conflictRounds} rounds of SDK attempts, within the deadline.
 * {@code attempts} counts every HTTP attempt of {@code DeleteAccountAssignment}.
 * {@code timeToRevokeMillis} runs from the command's {@code detectedAtWallClock} (else the
 * pick-up time) to confirmation. In dry-run mode no AWS call is made and the outcome is
 * {@code DRY_RUN}. Thread-safe: one instance serves many threads.
 */
public final class SsoAdminRevoker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SsoAdminRevoker.class);
  private static final String LIST = "ListAccountAssignments";
  private static final String DELETE = "DeleteAccountAssignment";
  private static final String DESCRIBE = "DescribeAccountAssignmentDeletionStatus";

  /**
   * Timing of one revoke.
   *
   * @param deadline longest time from pick-up to a known deletion status (SPEC {@code revokeDeadline}, 60 s)
   * @param pollInitial first wait before {@code DescribeAccountAssignmentDeletionStatus}
   * @param pollMax cap of the poll wait
   * @param confirmGrace how long {@code ListAccountAssignments} may still list the principal after SUCCEEDED
   * @param conflictRounds rounds of SDK attempts for {@code DeleteAccountAssignment} while it conflicts, at least 1
   * @param conflictWait base wait between conflict rounds (doubles each round, jittered)
   */
  public record Options(Duration deadline, Duration pollInitial, Duration pollMax, Duration confirmGrace,
      int conflictRounds, Duration conflictWait) {
    /** Validates ranges. */
    public Options {
      for (Duration d : List.of(deadline, pollInitial, pollMax, confirmGrace, conflictWait)) {
        if (d.isNegative()) {
          throw new IllegalArgumentException("durations must not be negative");
        }
      }
      if (deadline.isZero() || pollInitial.isZero() || pollInitial.compareTo(pollMax) > 0) {
        throw new IllegalArgumentException("deadline and poll interval must be positive, pollInitial <= pollMax");
      }
      if (conflictRounds < 1 || conflictRounds > 10) {
        throw new IllegalArgumentException("conflictRounds must be 1-10");
      }
    }

    /**
     * Production timing.
     *
     * @return deadline 60 s, poll 250 ms doubling to 2 s, confirm grace 5 s, 3 conflict rounds 1 s apart
     */
    public static Options defaults() {
      return new Options(Duration.ofSeconds(60), Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofSeconds(5),
          3, Duration.ofSeconds(1));
    }

    /**
     * A copy with another deadline.
     *
     * @param d longest time from pick-up to a known deletion status
     * @return the copy
     */
    public Options withDeadline(Duration d) {
      return new Options(d, pollInitial, pollMax, confirmGrace, conflictRounds, conflictWait);
    }

    /**
     * A copy with other poll waits.
     *
     * @param initial first wait before polling the deletion status
     * @param max cap of the poll wait
     * @return the copy
     */
    public Options withPoll(Duration initial, Duration max) {
      return new Options(deadline, initial, max, confirmGrace, conflictRounds, conflictWait);
    }

    /**
     * A copy with another confirmation grace.
     *
     * @param grace how long the list may still show the principal after SUCCEEDED
     * @return the copy
     */
    public Options withConfirmGrace(Duration grace) {
      return new Options(deadline, pollInitial, pollMax, grace, conflictRounds, conflictWait);
    }

    /**
     * A copy with other conflict rounds.
     *
     * @param rounds rounds of SDK attempts while DeleteAccountAssignment conflicts, 1-10
     * @param wait base wait between rounds
     * @return the copy
     */
    public Options withConflictRounds(int rounds, Duration wait) {
      return new Options(deadline, pollInitial, pollMax, confirmGrace, rounds, wait);
    }
  }

  private final SsoAdminClient client;
  private final Options options;
  private final Clock clock;
  private final String dryRunReason;

  /**
   * A revoker that calls AWS through {@code client}.
   *
   * @param client a client from {@link SsoAdminClients#create} (its interceptor counts attempts);
   *     closed by {@link #close()}
   * @param options timing
   * @param clock wall clock for the result's times
   */
  public SsoAdminRevoker(SsoAdminClient client, Options options, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dryRunReason = null;
  }

  private SsoAdminRevoker(String dryRunReason, Options options, Clock clock) {
    this.client = null;
    this.options = options;
    this.clock = clock;
    this.dryRunReason = dryRunReason;
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
   * The revoker the settings ask for, with {@link Options#defaults()} and
   * {@link SsoAdminClients.Tuning#defaults()}: dry-run when {@code revoke.dry-run} is true, or when
   * no endpoint override is set and the default AWS credentials chain finds no credentials (then
   * an error is logged); otherwise a client for {@code aws.sso-admin.endpoint} or the real AWS endpoint.
   *
   * @param settings {@code revoke.dry-run}, {@code aws.region}, {@code aws.sso-admin.endpoint}
   * @return a revoker; close it when done
   * @throws io.glasswatch.config.ConfigException when the region is empty
   */
  public static SsoAdminRevoker fromSettings(GlasswatchSettings settings) {
    return fromSettings(settings, Options.defaults(), SsoAdminClients.Tuning.defaults());
  }

  /**
   * As {@link #fromSettings(GlasswatchSettings)} with explicit timing and client tuning.
   *
   * @param settings {@code revoke.dry-run}, {@code aws.region}, {@code aws.sso-admin.endpoint}
   * @param options timing of one revoke
   * @param tuning SDK retries and timeouts
   * @return a revoker; close it when done
   */
  public static SsoAdminRevoker fromSettings(GlasswatchSettings settings, Options options, SsoAdminClients.Tuning tuning) {
    if (settings.getBoolean(GlasswatchSettings.REVOKE_DRY_RUN)) {
      LOG.warn("{} is true: revoke commands are recorded as DRY_RUN and no assignment is deleted",
          GlasswatchSettings.REVOKE_DRY_RUN);
      return new SsoAdminRevoker(GlasswatchSettings.REVOKE_DRY_RUN + " is true", options, Clock.systemUTC());
    }
    if (!settings.isSet(GlasswatchSettings.SSO_ENDPOINT) && !SsoAdminClients.defaultCredentialsAvailable()) {
      LOG.error("no AWS credentials found and {} is not set: revoke commands are recorded as DRY_RUN",
          GlasswatchSettings.SSO_ENDPOINT);
      return new SsoAdminRevoker("no SSO Admin endpoint can be used: no AWS credentials found", options, Clock.systemUTC());
    }
    return new SsoAdminRevoker(SsoAdminClients.create(settings, tuning), options, Clock.systemUTC());
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
   * Executes a command. Never throws for AWS or input problems: they become a {@code FAILED} result.
   *
   * @param command the command; a null {@code assignment} gives {@code FAILED}
   * @return the result, outcome one of {@link RevokeOutcome}; times are wall-clock epoch milliseconds
   */
  public RevokeResult revoke(RevokeCommand command) {
    Run run = new Run(command);
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

  /** One command's execution state. */
  private final class Run {
    private final RevokeCommand command;
    private final AccountAssignment a;
    private final Instant startedAt;
    private final long startNanos;
    private final AtomicInteger attempts = new AtomicInteger();
    private Instant deleteRequestedAt;
    private String deletionRequestId;
    private String deletionStatus;

    Run(RevokeCommand command) {
      this.command = command;
      this.a = command.getAssignment();
      this.startedAt = clock.instant();
      this.startNanos = System.nanoTime();
    }

    RevokeResult execute() throws InterruptedException {
      if (dryRunReason != null) {
        return finish(RevokeOutcome.DRY_RUN, "not executed: " + dryRunReason);
      }
      if (a == null) {
        return finish(RevokeOutcome.FAILED, "the command carries no account assignment: nothing can be revoked");
      }
      if (!isListed()) {
        return finish(RevokeOutcome.ALREADY_ABSENT, null);
      }
      AccountAssignmentOperationStatus status;
      try {
        status = deleteWithConflictRounds();
      } catch (AssignmentNotFoundException e) {
        if (!isListed()) {
          return finish(RevokeOutcome.ALREADY_ABSENT, null);
        }
        throw e;
      }
      deleteRequestedAt = clock.instant();
      deletionRequestId = status.requestId();
      deletionStatus = status.statusAsString();
      long wait = options.pollInitial().toMillis();
      while (status.status() != StatusValues.SUCCEEDED && status.status() != StatusValues.FAILED) {
        if (remainingMillis() < wait) {
          return finish(RevokeOutcome.FAILED, "deletion " + deletionRequestId + " still " + deletionStatus + " after "
              + options.deadline().toSeconds() + " s (" + DESCRIBE + ")");
        }
        pause(jitter(wait));
        wait = Math.min(wait * 2, options.pollMax().toMillis());
        try {
          status = describe();
          deletionStatus = status.statusAsString();
        } catch (RevokeException e) {
          if (!e.retryable()) {
            throw e;
          }
          LOG.warn("revoke {}: {} (will poll again)", command.getCommandId(), e.getMessage());
        }
      }
      if (status.status() == StatusValues.FAILED) {
        return finish(RevokeOutcome.FAILED, DELETE + " " + deletionRequestId + " FAILED: "
            + (status.failureReason() == null ? "no FailureReason given" : status.failureReason()));
      }
      long graceEnd = System.nanoTime() + options.confirmGrace().toNanos();
      long confirmWait = Math.max(50, options.pollInitial().toMillis() / 2);
      while (isListed()) {
        if (System.nanoTime() + confirmWait * 1_000_000 > graceEnd) {
          return finish(RevokeOutcome.FAILED, DELETE + " " + deletionRequestId + " reported SUCCEEDED but " + LIST
              + " still lists " + a.getPrincipalType() + " " + a.getPrincipalId() + " with " + a.getPermissionSetArn()
              + " on account " + a.getAccountId() + " after " + options.confirmGrace().toMillis() + " ms");
        }
        pause(jitter(confirmWait));
        confirmWait = Math.min(confirmWait * 2, options.pollMax().toMillis());
      }
      return finish(RevokeOutcome.CONFIRMED, null);
    }

    private AccountAssignmentOperationStatus deleteWithConflictRounds() throws InterruptedException {
      long wait = options.conflictWait().toMillis();
      for (int round = 1; ; round++) {
        try {
          return delete();
        } catch (RevokeConflictException e) {
          if (round >= options.conflictRounds() || remainingMillis() < wait) {
            throw e;
          }
          LOG.warn("revoke {}: {} (round {}/{}, retrying)", command.getCommandId(), e.getMessage(), round,
              options.conflictRounds());
          pause(jitter(wait));
          wait *= 2;
        }
      }
    }

    private boolean isListed() {
      try {
        return client.listAccountAssignmentsPaginator(ListAccountAssignmentsRequest.builder()
                .instanceArn(a.getInstanceArn())
                .accountId(a.getAccountId())
                .permissionSetArn(a.getPermissionSetArn())
                .build())
            .accountAssignments().stream()
            .anyMatch(x -> a.getPrincipalId().equals(x.principalId())
                && a.getPrincipalType().equalsIgnoreCase(x.principalTypeAsString()));
      } catch (SdkException e) {
        throw RevokeException.translate(LIST, e);
      }
    }

    private AccountAssignmentOperationStatus delete() {
      try {
        AccountAssignmentOperationStatus s = client.deleteAccountAssignment(DeleteAccountAssignmentRequest.builder()
                .instanceArn(a.getInstanceArn())
                .targetId(a.getAccountId())
                .targetType(TargetType.AWS_ACCOUNT)
                .permissionSetArn(a.getPermissionSetArn())
                .principalType(a.getPrincipalType())
                .principalId(a.getPrincipalId())
                .overrideConfiguration(o -> o.putExecutionAttribute(SsoAdminClients.ATTEMPTS, attempts))
                .build())
            .accountAssignmentDeletionStatus();
        if (s == null || s.requestId() == null) {
          throw RevokeException.translate(DELETE,
              SdkException.builder().message("response carries no AccountAssignmentDeletionStatus.RequestId").build());
        }
        return s;
      } catch (SdkException e) {
        throw RevokeException.translate(DELETE, e);
      }
    }

    private AccountAssignmentOperationStatus describe() {
      try {
        AccountAssignmentOperationStatus s = client.describeAccountAssignmentDeletionStatus(
                DescribeAccountAssignmentDeletionStatusRequest.builder()
                    .instanceArn(a.getInstanceArn())
                    .accountAssignmentDeletionRequestId(deletionRequestId)
                    .build())
            .accountAssignmentDeletionStatus();
        if (s == null) {
          throw RevokeException.translate(DESCRIBE,
              SdkException.builder().message("response carries no AccountAssignmentDeletionStatus").build());
        }
        return s;
      } catch (SdkException e) {
        throw RevokeException.translate(DESCRIBE, e);
      }
    }

    private long remainingMillis() {
      return options.deadline().toMillis() - (System.nanoTime() - startNanos) / 1_000_000;
    }

    RevokeResult finish(RevokeOutcome outcome, String reason) {
      Instant completedAt = clock.instant();
      Instant from = command.getDetectedAtWallClock() != null ? command.getDetectedAtWallClock() : startedAt;
      Long ttr = outcome == RevokeOutcome.CONFIRMED ? Math.max(0, completedAt.toEpochMilli() - from.toEpochMilli()) : null;
      RevokeResult r = RevokeResult.newBuilder()
          .setCommandId(command.getCommandId())
          .setRequestId(command.getRequestId())
          .setCorrelationId(command.getCorrelationId())
          .setAlertId(command.getAlertId())
          .setTrigger(command.getTrigger())
          .setAssignment(a)
          .setOutcome(outcome.name())
          .setDeletionRequestId(deletionRequestId)
          .setDeletionStatus(deletionStatus)
          .setFailureReason(reason)
          .setAttempts(attempts.get())
          .setCommandIssuedAt(command.getIssuedAt())
          .setStartedAt(startedAt)
          .setDeleteRequestedAt(deleteRequestedAt)
          .setCompletedAt(completedAt)
          .setTimeToRevokeMillis(ttr)
          .build();
      if (outcome == RevokeOutcome.FAILED) {
        LOG.error("revoke {} FAILED for {}: {}", command.getCommandId(), describeTarget(), reason);
      } else {
        LOG.info("revoke {} {} for {} (delete attempts {}{})", command.getCommandId(), outcome, describeTarget(),
            attempts.get(), ttr == null ? "" : ", time to revoke " + ttr + " ms");
      }
      return r;
    }

    private String describeTarget() {
      return a == null ? "no assignment" : a.getPrincipalType() + " " + a.getPrincipalId() + " / "
          + a.getPermissionSetArn() + " / account " + a.getAccountId();
    }
  }

  private static long jitter(long millis) {
    long half = millis / 2;
    return half + ThreadLocalRandom.current().nextLong(millis - half + 1);
  }

  private static void pause(long millis) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(millis);
  }

  /** Closes the SSO Admin client (nothing to close in dry-run mode). */
  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return dryRunReason != null ? "SsoAdminRevoker{dry-run: " + dryRunReason + "}" : "SsoAdminRevoker{" + options + "}";
  }
}
