package io.glasswatch.alerts.enforcement;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.alerts.delivery.DeliveryException;
import io.glasswatch.alerts.delivery.WebhookChannel;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells on-call about enforcement: "access revoked" when a revoke is confirmed (or found already
 * done), "late revoke" when the expiry sweeper had to remove an assignment that outlived its grant,
 * and "revoke failed" when a revoke missed its deadline or was given up. Implementations must not
 * throw: a notification that cannot be delivered is logged, never allowed to stop a revoke.
 */
@FunctionalInterface
public interface RevokeNotifier {
  /** Notification kind: a revoke was confirmed (or the assignment was already gone). */
  String ACCESS_REVOKED = "access revoked";
  /** Notification kind: the sweeper removed an assignment still present after its grant expired. */
  String LATE_REVOKE = "late revoke";
  /** Notification kind: a revoke missed its deadline or failed for good. */
  String REVOKE_FAILED = "revoke failed";

  /** A notifier that drops everything. */
  RevokeNotifier NONE = notice -> { };

  /**
   * One notification.
   *
   * @param kind {@link #ACCESS_REVOKED}, {@link #LATE_REVOKE} or {@link #REVOKE_FAILED}
   * @param command the revoke command
   * @param result the result so far (a progress record for a missed deadline), never null
   * @param detail one line: what was tried, or the overlapping requests; may be null
   * @param at wall-clock time of the notification
   */
  record Notice(String kind, RevokeCommand command, RevokeResult result, String detail, Instant at) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Checks the required parts. */
    public Notice {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(result, "result");
      Objects.requireNonNull(at, "at");
    }

    /**
     * The idempotency key of this notification: the same for a re-sent notification.
     *
     * @return {@code revoke:<commandId>:<kind with '-' for spaces>}
     */
    public String idempotencyKey() {
      return "revoke:" + command.getCommandId() + ":" + kind.replace(' ', '-');
    }

    /**
     * The webhook body: {@code notification}, {@code commandId}, {@code requestId},
     * {@code correlationId}, {@code trigger}, {@code reason}, {@code alertId}, {@code outcome},
     * {@code accountId}, {@code permissionSetArn}, {@code principalType}, {@code principalId},
     * {@code timeToRevokeMillis}, {@code attempts}, {@code alsoRevokedRequestIds},
     * {@code revokeFailedAlertId}, {@code failureReason}, {@code detail}, {@code at} (ISO-8601 UTC).
     * No credential or token is part of it.
     *
     * @return UTF-8 JSON
     */
    public byte[] toJson() {
      ObjectNode n = JSON.createObjectNode();
      n.put("notification", kind);
      n.put("commandId", command.getCommandId());
      n.put("requestId", command.getRequestId());
      n.put("correlationId", command.getCorrelationId());
      n.put("trigger", command.getTrigger());
      n.put("reason", command.getReason());
      n.put("alertId", command.getAlertId());
      n.put("outcome", result.getOutcome());
      AccountAssignment a = command.getAssignment();
      if (a != null) {
        n.put("accountId", a.getAccountId());
        n.put("permissionSetArn", a.getPermissionSetArn());
        n.put("principalType", a.getPrincipalType());
        n.put("principalId", a.getPrincipalId());
      }
      if (result.getTimeToRevokeMillis() != null) {
        n.put("timeToRevokeMillis", result.getTimeToRevokeMillis());
      }
      n.put("attempts", result.getAttempts());
      List<String> also = result.getAlsoRevokedRequestIds();
      n.putPOJO("alsoRevokedRequestIds", also == null ? List.of() : also);
      n.put("revokeFailedAlertId", result.getRevokeFailedAlertId());
      n.put("failureReason", result.getFailureReason());
      n.put("detail", detail);
      n.put("at", at.toString());
      try {
        return JSON.writeValueAsBytes(n);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("cannot write notification JSON", e);
      }
    }
  }

  /**
   * Sends one notification. Must not throw.
   *
   * @param notice the notification
   */
  void notify(Notice notice);

  /**
   * A notifier posting to the on-call webhook, signed like alerts (HMAC-SHA256, see
   * {@link WebhookChannel}); a delivery that fails after the channel's retries is logged.
   *
   * @param webhook the channel; not closed here
   * @return the notifier
   */
  static RevokeNotifier webhook(WebhookChannel webhook) {
    Logger log = LoggerFactory.getLogger(RevokeNotifier.class);
    return notice -> {
      try {
        webhook.post(notice.idempotencyKey(), notice.toJson());
      } catch (DeliveryException e) {
        log.error("notification '{}' of revoke {} not delivered: {}", notice.kind(), notice.command().getCommandId(),
            e.getMessage());
      } catch (RuntimeException e) {
        log.error("notification '{}' of revoke {} not delivered: {}", notice.kind(), notice.command().getCommandId(),
            e.toString());
      }
    };
  }
}
