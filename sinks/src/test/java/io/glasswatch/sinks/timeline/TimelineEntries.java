package io.glasswatch.sinks.timeline;

import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.TimelineEntry;
import java.time.Instant;

/** Timeline entries for tests, hash-chained like the streams application writes them. */
public final class TimelineEntries {
  private TimelineEntries() {}

  /** An alert entry with every field set. */
  public static TimelineEntry fullAlert() {
    TimelineEntry e = TimelineEntry.newBuilder()
        .setEntryId("alert:0f3c9a")
        .setTimestamp(Instant.parse("2025-03-01T10:15:30Z"))
        .setCorrelationId("req-42")
        .setRequestId("req-42")
        .setAccountId("123456789012")
        .setSource("glasswatch")
        .setKind("alert")
        .setAction("USAGE_AFTER_EXPIRY")
        .setOutcome("success")
        .setUserName("alice@example.com")
        .setSourceIp("203.0.113.7")
        .setUserAgent("Mozilla/5.0 (X11; Linux x86_64)")
        .setMessage("alice used an expired break-glass grant on 123456789012")
        .setEventId("req-42/usage/3")
        .setAlertId("0f3c9a")
        .setAlertType("USAGE_AFTER_EXPIRY")
        .setSeverity("high")
        .setTokenFingerprint(Hashing.tokenFingerprint("tok-secret-123"))
        .setDetails("{\"resource\":\"arn:aws:s3:::payroll\",\"expiresAt\":\"2025-03-01T10:00:00Z\"}")
        .setSequence(4)
        .setPrevHash("a".repeat(64))
        .build();
    e.setHash(Hashing.timelineHash(e));
    return e;
  }

  /**
   * A gateway usage entry of {@code correlationId} at position {@code sequence} of its chain.
   *
   * @param prevHash hash of the previous entry, null for the first
   */
  public static TimelineEntry usage(String correlationId, long sequence, Instant at, String prevHash) {
    TimelineEntry e = TimelineEntry.newBuilder()
        .setEntryId("gateway:" + correlationId + "/usage/" + sequence)
        .setTimestamp(at)
        .setCorrelationId(correlationId)
        .setRequestId(correlationId)
        .setAccountId("123456789012")
        .setSource("gateway")
        .setKind("event")
        .setAction("usage")
        .setOutcome("allow")
        .setUserName("bob")
        .setSourceIp("198.51.100." + (sequence % 250))
        .setMessage("bob used break-glass access on s3:GetObject")
        .setEventId(correlationId + "/usage/" + sequence)
        .setDetails("{\"resource\":\"arn:aws:s3:::logs\",\"n\":" + sequence + "}")
        .setSequence(sequence)
        .setPrevHash(prevHash)
        .build();
    e.setHash(Hashing.timelineHash(e));
    return e;
  }

  /**
   * A background CloudTrail entry in the account chain {@code account:<accountId>}, shaped as the
   * streams application writes one ({@code cloudtrail:<eventID>} id with a random UUID eventID, the
   * CloudTrail details the timeline keeps), at position {@code sequence} of its chain.
   *
   * @param prevHash hash of the previous entry, null for the first
   */
  public static TimelineEntry cloudTrail(String accountId, long sequence, Instant at, String prevHash) {
    String eventId = java.util.UUID.nameUUIDFromBytes((accountId + "/" + sequence).getBytes(
        java.nio.charset.StandardCharsets.UTF_8)).toString();
    String role = "arn:aws:sts::" + accountId + ":assumed-role/deployer/session-" + (sequence % 17);
    TimelineEntry e = TimelineEntry.newBuilder()
        .setEntryId("cloudtrail:" + eventId)
        .setTimestamp(at)
        .setCorrelationId("account:" + accountId)
        .setAccountId(accountId)
        .setSource("cloudtrail")
        .setKind("event")
        .setAction("DescribeInstances")
        .setOutcome("success")
        .setUserName(role)
        .setSourceIp("198.51.100." + (sequence % 250))
        .setUserAgent("aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/ec2.describe-instances")
        .setMessage(role + " DescribeInstances (ec2.amazonaws.com) from 198.51.100." + (sequence % 250) + ": success")
        .setEventId(eventId)
        .setDetails("{\"eventSource\":\"ec2.amazonaws.com\",\"eventType\":\"AwsApiCall\",\"awsRegion\":\"us-east-1\","
            + "\"userIdentityType\":\"AssumedRole\",\"userIdentityArn\":\"" + role + "\",\"readOnly\":true}")
        .setSequence(sequence)
        .setPrevHash(prevHash)
        .build();
    e.setHash(Hashing.timelineHash(e));
    return e;
  }
}
