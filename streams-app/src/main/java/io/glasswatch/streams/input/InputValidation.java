package io.glasswatch.streams.input;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.RevokeResult;
import java.util.Set;

/**
 * What each input topic must hold for the topology to correlate it (keys per {@code Topics}). A record
 * that fails is routed to the dead-letter topic with the reason given here; the key rules exist
 * because the key decides the partition, and correlation state lives with its partition.
 */
public final class InputValidation {
  /** Gateway event types correlated by request id. */
  public static final Set<String> REQUEST_TYPES =
      Set.of("request", "approval", "grant", "usage", "expiry", "denial", "error", "audit");
  /** Prefix of the key of audit evidence that names no request (SPEC 1.4): {@code subject:<subject>}. */
  public static final String SUBJECT_KEY_PREFIX = "subject:";
  /** Gateway event types correlated by account id. */
  public static final Set<String> ACCOUNT_TYPES = Set.of("rotation", "root_declaration");

  private InputValidation() {}

  /**
   * A gateway event: known {@code type}; request-scoped types need {@code requestId} equal to the key
   * (an {@code audit} event without one: the key {@code subject:<subject>});
   * account-scoped types need {@code accountId}, and the key must be the request id or the account id.
   *
   * @throws InvalidInputException naming the first problem
   */
  public static void gateway(String key, GatewayEvent e) {
    String type = e.getType();
    if ("audit".equals(type) && blank(e.getRequestId())) {
      // evidence of the AuthZ gateway's audit.log that names no request: keyed by its subject
      if (key == null || !key.startsWith(SUBJECT_KEY_PREFIX) || key.length() == SUBJECT_KEY_PREFIX.length()) {
        throw new InvalidInputException("audit event without requestId has key '" + key + "', expected "
            + SUBJECT_KEY_PREFIX + "<subject>");
      }
    } else if (REQUEST_TYPES.contains(type)) {
      if (blank(e.getRequestId())) {
        throw new InvalidInputException("gateway event of type " + type + " has no requestId");
      }
      if (!e.getRequestId().equals(key)) {
        throw new InvalidInputException("gateway event key '" + key + "' is not its requestId '"
            + e.getRequestId() + "'");
      }
    } else if (ACCOUNT_TYPES.contains(type)) {
      if (blank(e.getAccountId())) {
        throw new InvalidInputException("gateway event of type " + type + " has no accountId");
      }
      if (key == null || !(key.equals(e.getAccountId()) || key.equals(e.getRequestId()))) {
        throw new InvalidInputException("gateway event key '" + key + "' is neither its requestId nor its accountId");
      }
    } else {
      throw new InvalidInputException("unknown gateway event type '" + type + "'");
    }
    if (blank(e.getSourceDigest())) {
      throw new InvalidInputException("gateway event has no sourceDigest");
    }
  }

  /**
   * A CloudTrail record: an {@code eventID}, and a key that is the record's account (equal to
   * {@code recipientAccountId} when that is set).
   *
   * @throws InvalidInputException naming the first problem
   */
  public static void cloudTrail(String key, CloudTrailEvent e) {
    if (blank(e.getEventID())) {
      throw new InvalidInputException("CloudTrail record has no eventID");
    }
    if (blank(key)) {
      throw new InvalidInputException("CloudTrail record " + e.getEventID() + " has no key (account id)");
    }
    if (!blank(e.getRecipientAccountId()) && !key.equals(e.getRecipientAccountId())) {
      throw new InvalidInputException("CloudTrail record " + e.getEventID() + " key '" + key
          + "' is not its recipientAccountId '" + e.getRecipientAccountId() + "'");
    }
  }

  /**
   * A GuardDuty finding: an {@code id}, and a key equal to its {@code accountId}.
   *
   * @throws InvalidInputException naming the first problem
   */
  public static void guardDuty(String key, GuardDutyFinding f) {
    if (blank(f.getId())) {
      throw new InvalidInputException("GuardDuty finding has no id");
    }
    if (blank(f.getAccountId()) || !f.getAccountId().equals(key)) {
      throw new InvalidInputException("GuardDuty finding " + f.getId() + " key '" + key
          + "' is not its accountId '" + f.getAccountId() + "'");
    }
  }

  /**
   * A revoke result: a {@code commandId}, an {@code outcome}, and a request id or correlation id to
   * file it under.
   *
   * @throws InvalidInputException naming the first problem
   */
  public static void revokeResult(String key, RevokeResult r) {
    if (blank(r.getCommandId())) {
      throw new InvalidInputException("revoke result has no commandId");
    }
    if (blank(r.getOutcome())) {
      throw new InvalidInputException("revoke result " + r.getCommandId() + " has no outcome");
    }
    if (blank(r.getRequestId()) && blank(r.getCorrelationId())) {
      throw new InvalidInputException("revoke result " + r.getCommandId() + " has neither requestId nor correlationId");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
