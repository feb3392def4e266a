package io.glasswatch.producers.normalize.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * What became of one input event: normalized into an Avro record for an input topic, rejected
 * (with file, line, field and reason, bound for the dead-letter topic), or skipped because it is
 * not an event (a CloudTrail digest file). Nothing read is dropped without one of these.
 */
public sealed interface NormalizeResult
    permits NormalizeResult.Normalized, NormalizeResult.Rejected, NormalizeResult.Skipped {

  /**
   * An event ready for its input topic.
   *
   * @param topic {@code gateway-events}, {@code cloudtrail-events} or {@code guardduty-findings}
   * @param key record key: request id (gateway; account id for a rotation without request id and for
   *     root declarations), else the AWS account id; empty string when a CloudTrail record names no account
   * @param value {@code GatewayEvent}, {@code CloudTrailEvent} or {@code GuardDutyFinding}
   * @param eventTime the event's time (gateway {@code timestamp}, CloudTrail {@code eventTime},
   *     GuardDuty {@code service.eventLastSeen}), millisecond precision, used as the Kafka record timestamp
   * @param origin {@code <file>:<line>[#<index>]}
   */
  record Normalized(String topic, String key, SpecificRecord value, Instant eventTime, String origin)
      implements NormalizeResult {
    /** Validates that every component but none is null. */
    public Normalized {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(eventTime, "eventTime");
      Objects.requireNonNull(origin, "origin");
    }

    /**
     * One report per field of the value that could not be read as its documented type (a CloudTrail
     * record's {@code validationErrors}); empty when the value read cleanly. Each report names the
     * file and line of {@link #origin()}, the field, and the problem, with an empty {@code raw}: the
     * record itself is kept and goes to its topic, so these reports go to the dead-letter path in
     * addition to it, never instead of it.
     */
    public java.util.List<Rejected> validationReports() {
      if (!(value instanceof io.glasswatch.schema.CloudTrailEvent c) || c.getValidationErrors().isEmpty()) {
        return java.util.List.of();
      }
      int hash = origin.lastIndexOf('#');
      int colon = origin.lastIndexOf(':', hash < 0 ? origin.length() : hash);
      String file = colon < 0 ? origin : origin.substring(0, colon);
      long line = 0;
      try {
        line = colon < 0 ? 0 : Long.parseLong(origin.substring(colon + 1, hash < 0 ? origin.length() : hash));
      } catch (NumberFormatException e) {
        file = origin;
      }
      java.util.List<Rejected> out = new java.util.ArrayList<>();
      for (CharSequence problem : c.getValidationErrors()) {
        String p = problem.toString();
        int sep = p.indexOf(": ");
        out.add(new Rejected(file, line, sep < 0 ? null : p.substring(0, sep),
            "cloudtrail: record kept, judged from what can be read: " + (hash < 0 ? "" : "item " + origin.substring(hash + 1) + ": ") + p,
            new byte[0]));
      }
      return out;
    }
  }

  /**
   * Input that is not a valid event. Secrets (gateway {@code tokenId} and other secret-named fields)
   * are already redacted from {@code raw} and never appear in {@code reason}.
   *
   * @param file input file (or ingest path name)
   * @param line 1-based line where the rejected value starts; 0 when the whole file could not be read
   * @param field JSON field to blame, dotted for nested fields (e.g. {@code assignment.principalId},
   *     {@code Records[3].eventTime}), or null when no single field is at fault
   * @param reason human-readable reason, e.g. {@code approval: missing required field approverAcr}
   * @param raw the rejected bytes as read (UTF-8 JSON text, secrets redacted); empty when none could be read
   */
  record Rejected(String file, long line, String field, String reason, byte[] raw)
      implements NormalizeResult {
    /** Validates that file, reason and raw are present. */
    public Rejected {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(raw, "raw");
    }

    /** {@code <file>:<line>: <reason>}, the form printed to operators. */
    public String describe() {
      return file + ":" + line + ": " + reason;
    }

    /** The raw bytes as a UTF-8 string (for tests and messages). */
    public String rawText() {
      return new String(raw, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "Rejected[" + describe() + (field == null ? "" : " (field " + field + ")")
          + ", " + raw.length + " raw bytes]";
    }
  }

  /**
   * Input that is recognized but carries no event, counted and not produced.
   *
   * @param kind what was skipped; {@link #CLOUDTRAIL_DIGEST} for a CloudTrail digest file
   * @param origin {@code <file>:<line>[#<index>]}
   */
  record Skipped(String kind, String origin) implements NormalizeResult {
    /** Kind of a CloudTrail log-file integrity digest (docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html). */
    public static final String CLOUDTRAIL_DIGEST = "cloudtrail-digest";
  }
}
