package io.glasswatch.alerts.enforcement;

import static io.glasswatch.alerts.enforcement.SsoAdminRevoker.STEP_DEADLINE_MISSED;
import static io.glasswatch.alerts.enforcement.SsoAdminRevoker.STEP_DELETE_REQUESTED;
import static io.glasswatch.alerts.enforcement.SsoAdminRevoker.STEP_RETRYING;
import static io.glasswatch.alerts.enforcement.SsoAdminRevoker.STEP_STATUS_POLLED;

import io.glasswatch.alerts.enforcement.SsoAdminRevoker.Listener;
import io.glasswatch.alerts.enforcement.SsoAdminRevoker.Options;
import io.glasswatch.alerts.enforcement.SsoAdminRevoker.Progress;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * One command's execution by {@link SsoAdminRevoker} (the rule is stated there): rounds of list,
 * delete (with conflict rounds), poll the deletion status and confirm by listing again, with the
 * doubling jittered waits of the revoker's {@link Options}, until an outcome or the give-up time;
 * {@code deadline_missed} is reported once when {@code deadline} passes without confirmation. One
 * instance per command, used by one thread.
 */
final class RevokeRun {
  private static final Logger LOG = LoggerFactory.getLogger(SsoAdminRevoker.class);
  private static final String LIST = "ListAccountAssignments";
  private static final String DELETE = "DeleteAccountAssignment";
  private static final String DESCRIBE = "DescribeAccountAssignmentDeletionStatus";

  static boolean listed(SsoAdminClient client, AccountAssignment a) {
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

  /** A round that ended without an outcome but may succeed if tried again. */
  private static final class RetryRound extends Exception {
    private static final long serialVersionUID = 1L;

    RetryRound(String message) {
      super(message, null, false, false);
    }
  }

  private final RevokeCommand command;
  private final Listener listener;
  private final AccountAssignment a;
  private final SsoAdminClient client;
  private final Instant startedAt;
  private final long startNanos;
  private final AtomicInteger attempts = new AtomicInteger();
  private int round;
  private Instant deleteRequestedAt;
  private String deletionRequestId;
  private String deletionStatus;
  private String lastProblem;
  private boolean deadlineReported;
  private final Options options;
  private final Duration deadline;
  private final Clock clock;
  private final String dryRunReason;

  RevokeRun(RevokeCommand command, Listener listener, SsoAdminClient client, Options options, Duration deadline,
      Clock clock, String dryRunReason) {
    this.command = command;
    this.listener = listener;
    this.a = command.getAssignment();
    this.client = client;
    this.options = options;
    this.deadline = deadline;
    this.clock = clock;
    this.dryRunReason = dryRunReason;
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
    long wait = options.retryInitial().toMillis();
    while (true) {
      round++;
      try {
        return round();
      } catch (RetryRound e) {
        lastProblem = e.getMessage();
      } catch (RevokeException e) {
        if (!e.retryable()) {
          throw e;
        }
        lastProblem = e.getMessage();
      }
      checkDeadline();
      long w = jitter(wait);
      if (elapsedMillis() + w >= options.giveUp().toMillis()) {
        return finish(RevokeOutcome.FAILED, lastProblem + " (gave up after " + elapsedMillis() + " ms, " + round
            + (round == 1 ? " round)" : " rounds)"));
      }
      LOG.warn("revoke {}: round {} failed ({}); retrying in {} ms", command.getCommandId(), round, lastProblem, w);
      listener.step(STEP_RETRYING, progress());
      pause(w);
      wait = Math.min(wait * 2, options.retryMax().toMillis());
    }
  }

  /** One round: list, delete, poll, confirm. Returns an outcome, or throws to retry. */
  private RevokeResult round() throws InterruptedException, RetryRound {
    if (!listed(client, a)) {
      return finish(deletionRequestId != null ? RevokeOutcome.CONFIRMED : RevokeOutcome.ALREADY_ABSENT, null);
    }
    AccountAssignmentOperationStatus status;
    try {
      status = deleteWithConflictRounds();
    } catch (AssignmentNotFoundException e) {
      if (!listed(client, a)) {
        return finish(deletionRequestId != null ? RevokeOutcome.CONFIRMED : RevokeOutcome.ALREADY_ABSENT, null);
      }
      throw e;
    }
    deleteRequestedAt = clock.instant();
    deletionRequestId = status.requestId();
    deletionStatus = status.statusAsString();
    listener.step(STEP_DELETE_REQUESTED, progress());
    long wait = options.pollInitial().toMillis();
    while (status.status() != StatusValues.SUCCEEDED && status.status() != StatusValues.FAILED) {
      checkDeadline();
      long w = jitter(wait);
      if (elapsedMillis() + w >= options.giveUp().toMillis()) {
        // the reason also keeps why the earlier rounds failed, e.g. the service's FailureReason
        return finish(RevokeOutcome.FAILED, "deletion " + deletionRequestId + " still " + deletionStatus
            + " after " + elapsedMillis() + " ms (" + DESCRIBE + "); gave up"
            + (lastProblem != null ? "; earlier round: " + lastProblem : ""));
      }
      pause(w);
      wait = Math.min(wait * 2, options.pollMax().toMillis());
      try {
        String before = deletionStatus;
        status = describe();
        deletionStatus = status.statusAsString();
        if (!deletionStatus.equals(before) || status.status() != StatusValues.IN_PROGRESS) {
          listener.step(STEP_STATUS_POLLED, progress());
        }
      } catch (RevokeException e) {
        if (!e.retryable()) {
          throw e;
        }
        lastProblem = e.getMessage();
        LOG.warn("revoke {}: {} (will poll again)", command.getCommandId(), e.getMessage());
      }
    }
    if (status.status() == StatusValues.FAILED) {
      throw new RetryRound(DELETE + " " + deletionRequestId + " FAILED: "
          + (status.failureReason() == null ? "no FailureReason given" : status.failureReason()));
    }
    long graceEnd = System.nanoTime() + options.confirmGrace().toNanos();
    long confirmWait = Math.max(50, options.pollInitial().toMillis() / 2);
    while (listed(client, a)) {
      if (System.nanoTime() + confirmWait * 1_000_000 > graceEnd) {
        throw new RetryRound(DELETE + " " + deletionRequestId + " reported SUCCEEDED but " + LIST
            + " still lists " + a.getPrincipalType() + " " + a.getPrincipalId() + " with " + a.getPermissionSetArn()
            + " on account " + a.getAccountId() + " after " + options.confirmGrace().toMillis() + " ms");
      }
      pause(jitter(confirmWait));
      confirmWait = Math.min(confirmWait * 2, options.pollMax().toMillis());
    }
    return finish(RevokeOutcome.CONFIRMED, null);
  }

  private void checkDeadline() {
    if (!deadlineReported && elapsedMillis() >= deadline.toMillis()) {
      deadlineReported = true;
      LOG.error("revoke {} not confirmed within {} ms for {}: {}", command.getCommandId(),
          deadline.toMillis(), describeTarget(), progress().describe());
      listener.step(STEP_DEADLINE_MISSED, progress());
    }
  }

  Progress progress() {
    return new Progress(Math.max(1, round), attempts.get(), deletionRequestId, deletionStatus, lastProblem,
        elapsedMillis(), deleteRequestedAt);
  }

  private AccountAssignmentOperationStatus deleteWithConflictRounds() throws InterruptedException {
    long wait = options.conflictWait().toMillis();
    for (int r = 1; ; r++) {
      try {
        return delete();
      } catch (RevokeConflictException e) {
        if (r >= options.conflictRounds() || elapsedMillis() + wait >= options.giveUp().toMillis()) {
          throw e;
        }
        LOG.warn("revoke {}: {} (conflict round {}/{}, retrying)", command.getCommandId(), e.getMessage(), r,
            options.conflictRounds());
        pause(jitter(wait));
        wait *= 2;
      }
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

  private long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  RevokeResult finish(RevokeOutcome outcome, String reason) {
    Instant completedAt = clock.instant();
    Instant from = command.getDetectedAtWallClock() != null ? command.getDetectedAtWallClock() : startedAt;
    Long ttr = outcome == RevokeOutcome.CONFIRMED ? Math.max(0, completedAt.toEpochMilli() - from.toEpochMilli()) : null;
    RevokeResult r = SsoAdminRevoker.resultOf(command)
        .setOutcome(outcome.name())
        .setDeletionRequestId(deletionRequestId)
        .setDeletionStatus(deletionStatus)
        .setFailureReason(reason)
        .setAttempts(attempts.get())
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

  private static long jitter(long millis) {
    long half = millis / 2;
    return half + ThreadLocalRandom.current().nextLong(millis - half + 1);
  }

  private static void pause(long millis) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(millis);
  }

}
