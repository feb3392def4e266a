package io.glasswatch.alerts.oncall;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature scheme of Glasswatch webhooks, for senders and receivers.
 *
 * <p>Every request carries:
 *
 * <ul>
 *   <li>{@code X-Glasswatch-Key-Id}: which shared key signed it (lets receivers rotate keys);
 *   <li>{@code X-Glasswatch-Timestamp}: signing time, decimal epoch seconds;
 *   <li>{@code X-Glasswatch-Nonce}: 32 lower-case hex characters (128 random bits), fresh per attempt;
 *   <li>{@code X-Glasswatch-Signature}: {@code v1=<hex>}, where {@code hex} is the lower-case hex
 *       HMAC-SHA256 (RFC 2104, FIPS 198-1) keyed with the UTF-8 bytes of the shared secret over the
 *       bytes {@code <timestamp> "." <nonce> "." <raw request body>};
 *   <li>{@code Idempotency-Key}: the alert id, identical on every attempt of the same alert.
 * </ul>
 *
 * <p>Verification rule: recompute the HMAC over the raw body bytes exactly as received (before
 * any JSON parsing), compare it with the {@code v1} value in constant time, and reject the request
 * when the timestamp is more than the tolerance (default 5 minutes) away from the receiver's
 * clock. Receivers that must resist replay inside the tolerance remember nonces for the tolerance
 * window; receivers that must not act twice deduplicate by {@code Idempotency-Key} (a retry after
 * a lost response carries a new nonce but the same key). The signature header may list several
 * comma-separated {@code v1=} values; one match suffices.
 */
public final class WebhookSignature {
  /** Header naming the key that signed the request. */
  public static final String KEY_ID_HEADER = "X-Glasswatch-Key-Id";
  /** Header with the signing time in epoch seconds. */
  public static final String TIMESTAMP_HEADER = "X-Glasswatch-Timestamp";
  /** Header with the 128-bit random nonce, 32 lower-case hex characters. */
  public static final String NONCE_HEADER = "X-Glasswatch-Nonce";
  /** Header with {@code v1=<hex HMAC-SHA256>}. */
  public static final String SIGNATURE_HEADER = "X-Glasswatch-Signature";
  /** Header with the alert id, the same on every attempt. */
  public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
  /** Version prefix of the signature value. */
  public static final String VERSION = "v1";
  /** Default accepted distance between the signed timestamp and the receiver's clock. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  /** Outcome of {@link #check}. Only {@link #VALID} means the request may be trusted. */
  public enum Verdict {
    /** Signature matches and the timestamp is within tolerance. */
    VALID,
    /** A header is missing or not in the documented form. */
    MALFORMED,
    /** The timestamp is outside the tolerance. */
    STALE,
    /** No {@code v1} value matches the recomputed HMAC. */
    BAD_SIGNATURE
  }

  private WebhookSignature() {}

  /**
   * Signs a request.
   *
   * @param secret the shared secret (UTF-8); must not be empty
   * @param timestampSeconds signing time, epoch seconds
   * @param nonce the request's nonce (32 hex characters)
   * @param body the exact request body bytes
   * @return the {@code X-Glasswatch-Signature} value, {@code v1=<64 lower-case hex characters>}
   */
  public static String sign(String secret, long timestampSeconds, String nonce, byte[] body) {
    return VERSION + "=" + HEX.formatHex(hmac(secret, timestampSeconds, nonce, body));
  }

  /**
   * A fresh nonce.
   *
   * @return 32 lower-case hex characters encoding 128 bits from {@link SecureRandom}
   */
  public static String newNonce() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HEX.formatHex(b);
  }

  /**
   * Checks a received request against the rule in the class Javadoc.
   *
   * @param secret the shared secret of the key named by {@code X-Glasswatch-Key-Id}
   * @param timestampHeader value of {@code X-Glasswatch-Timestamp} (may be null)
   * @param nonceHeader value of {@code X-Glasswatch-Nonce} (may be null)
   * @param body the raw body bytes as received
   * @param signatureHeader value of {@code X-Glasswatch-Signature} (may be null)
   * @param now the receiver's clock
   * @param tolerance maximum distance between the timestamp and {@code now}
   * @return the verdict; never throws on malformed input
   */
  public static Verdict check(String secret, String timestampHeader, String nonceHeader, byte[] body,
      String signatureHeader, Instant now, Duration tolerance) {
    Objects.requireNonNull(secret, "secret");
    if (timestampHeader == null || nonceHeader == null || signatureHeader == null || body == null
        || !timestampHeader.matches("\\d{1,12}") || !nonceHeader.matches("[0-9a-f]{32}")) {
      return Verdict.MALFORMED;
    }
    long ts = Long.parseLong(timestampHeader);
    if (Math.abs(now.getEpochSecond() - ts) > tolerance.toSeconds()) {
      return Verdict.STALE;
    }
    byte[] expected = HEX.formatHex(hmac(secret, ts, nonceHeader, body)).getBytes(StandardCharsets.US_ASCII);
    boolean any = false;
    boolean match = false;
    for (String part : signatureHeader.split(",")) {
      String p = part.trim();
      if (p.startsWith(VERSION + "=")) {
        any = true;
        byte[] given = p.substring(VERSION.length() + 1).getBytes(StandardCharsets.US_ASCII);
        match |= MessageDigest.isEqual(expected, given);
      }
    }
    if (!any) {
      return Verdict.MALFORMED;
    }
    return match ? Verdict.VALID : Verdict.BAD_SIGNATURE;
  }

  /**
   * Whether a received request is authentic and fresh: {@link #check} returned {@link Verdict#VALID}.
   *
   * @param secret the shared secret of the key named by {@code X-Glasswatch-Key-Id}
   * @param timestampHeader value of {@code X-Glasswatch-Timestamp} (may be null)
   * @param nonceHeader value of {@code X-Glasswatch-Nonce} (may be null)
   * @param body the raw body bytes as received
   * @param signatureHeader value of {@code X-Glasswatch-Signature} (may be null)
   * @param now the receiver's clock
   * @param tolerance maximum distance between the timestamp and {@code now}
   * @return true only for {@link Verdict#VALID}
   */
  public static boolean verify(String secret, String timestampHeader, String nonceHeader, byte[] body,
      String signatureHeader, Instant now, Duration tolerance) {
    return check(secret, timestampHeader, nonceHeader, body, signatureHeader, now, tolerance) == Verdict.VALID;
  }

  private static byte[] hmac(String secret, long timestampSeconds, String nonce, byte[] body) {
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("webhook secret must not be empty");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestampSeconds + "." + nonce + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }
}
