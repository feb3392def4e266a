package io.glasswatch.producers.normalize.authz;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies the AuthZ gateway's audit-bus checksum chain, file by file, in the order records are read.
 *
 * <p>The chain (source: {@code services/authz-gateway/src/audit.ts}, class {@code AuditBus}, of
 * {@code BrianCLong/summit}; {@code real-sources/README.md} 1.4): each line is the JavaScript
 * {@code JSON.stringify} of the record with {@code "checksum":"<hex>"} appended as its last member;
 * {@code checksum} = lower-case hex HMAC-SHA256 (key = the UTF-8 bytes of {@code AUDIT_HMAC_KEY}) over
 * the line's bytes with the trailing {@code ,"checksum":"<64 hex>"} cut out; {@code previousChecksum}
 * is the checksum of the line before ({@code null} on the first line of a new file). The raw bytes
 * are verified, never a re-serialization.
 *
 * <p>Statuses: {@code verified}; {@code broken} (the HMAC does not match: the record was edited; or
 * its {@code previousChecksum} is not the checksum of the record read before it in the same file: a
 * record was removed, inserted or reordered); {@code unanchored} (the first record read from a file
 * links to a record that is not in it: a file rotated while the gateway kept running, a tailer that
 * resumed mid-file, or records removed from the start — indistinguishable from here); {@code unverified}
 * (no key configured, or the record's bytes as written are not available: a signed record posted inside
 * a JSON array). Removing records from the end of a file leaves a valid chain (the format has no
 * external anchor). Reading a file again from an earlier line starts its chain anew.
 *
 * <p>Thread-safe. State is one entry per file (the last line and checksum), at most
 * {@value #MAX_FILES} files (least recently used forgotten, so a forgotten file's next record is
 * {@code unanchored}).
 */
public final class AuditChain {
  /** Status of a record whose HMAC and link hold. */
  public static final String VERIFIED = "verified";
  /** Status of an edited, removed, inserted or reordered record. */
  public static final String BROKEN = "broken";
  /** Status of a first record whose predecessor is not in the file. */
  public static final String UNANCHORED = "unanchored";
  /** Status of a signed record read without the key. */
  public static final String UNVERIFIED = "unverified";
  /** Files whose chain position is remembered. */
  public static final int MAX_FILES = 1024;

  private static final byte[] CHECKSUM_MEMBER = ",\"checksum\":\"".getBytes(StandardCharsets.US_ASCII);

  private final byte[] key;
  private final Map<String, Position> files = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Position> eldest) {
      return size() > MAX_FILES;
    }
  };

  /**
   * A verifier.
   *
   * @param key UTF-8 bytes of the gateway's {@code AUDIT_HMAC_KEY}, or null to report signed records as
   *     {@code unverified}
   */
  public AuditChain(byte[] key) {
    this.key = key == null ? null : key.clone();
  }

  /** The verdict on one record: status and, when not verified, why. */
  public record Verdict(String status, String problem) {}

  private record Position(long line, String checksum) {}

  /**
   * Checks one signed record (one with a {@code checksum} member) and remembers it as the file's
   * latest record.
   *
   * @param file the file it was read from
   * @param line its 1-based line
   * @param raw the line's bytes as read, or null when they are not available (then the HMAC is not checked)
   * @param record the parsed record
   */
  public synchronized Verdict check(String file, long line, byte[] raw, JsonNode record) {
    JsonNode c = record.get("checksum");
    String checksum = c != null && c.isTextual() ? c.asText() : null;
    JsonNode p = record.get("previousChecksum");
    String previous = p == null || p.isNull() ? null : p.asText();
    Position before = files.get(file);
    if (before != null && line <= before.line()) {
      before = null; // the file is read again from the start
    }
    files.put(file, new Position(line, checksum));
    if (key == null) {
      return new Verdict(UNVERIFIED, "no audit key configured");
    }
    if (raw == null) {
      return new Verdict(UNVERIFIED, "the record's bytes as written are not available (an element of a posted"
          + " array), so its checksum cannot be verified");
    }
    if (checksum == null || !checksum.matches("[0-9a-f]{64}")) {
      return new Verdict(BROKEN, "checksum is not 64 lower-case hex digits");
    }
    String hmacProblem = hmacProblem(raw, checksum);
    if (hmacProblem != null) {
      return new Verdict(BROKEN, hmacProblem);
    }
    if (before == null) {
      if (previous == null) {
        return new Verdict(VERIFIED, null);
      }
      return new Verdict(UNANCHORED, "the first record read from this file links to a record that is not in it"
          + " (rotated file, reading resumed mid-file, or records removed from its start)");
    }
    if (!java.util.Objects.equals(previous, before.checksum())) {
      return new Verdict(BROKEN, "previousChecksum does not match the checksum of the record at line "
          + before.line() + " (a record was removed, inserted or reordered)");
    }
    return new Verdict(VERIFIED, null);
  }

  private String hmacProblem(byte[] raw, String checksum) {
    int end = raw.length;
    while (end > 0 && (raw[end - 1] == '\n' || raw[end - 1] == '\r' || raw[end - 1] == ' ' || raw[end - 1] == '\t')) {
      end--;
    }
    int tail = CHECKSUM_MEMBER.length + 64 + 2; // ,"checksum":" + hex + "}
    int at = end - tail;
    if (at < 1 || !Arrays.equals(raw, at, at + CHECKSUM_MEMBER.length, CHECKSUM_MEMBER, 0, CHECKSUM_MEMBER.length)
        || raw[end - 2] != '"' || raw[end - 1] != '}') {
      return "checksum is not the record's last member, so the record was rewritten (edited)";
    }
    byte[] hashed = new byte[at + 1];
    System.arraycopy(raw, 0, hashed, 0, at);
    hashed[at] = '}';
    byte[] expected = hmac(hashed);
    byte[] actual = HexFormat.of().parseHex(checksum);
    return MessageDigest.isEqual(expected, actual) ? null : "checksum does not match the record (edited)";
  }

  private byte[] hmac(byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
