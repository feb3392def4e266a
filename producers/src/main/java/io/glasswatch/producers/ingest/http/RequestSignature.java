package io.glasswatch.producers.ingest.http;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The request signature of the HTTP ingest endpoint, for the server and for gateways.
 *
 * <p>A request carries four headers:
 *
 * <ul>
 *   <li>{@value #KEY_ID}: the id of the key it is signed with (several keys may be valid at once);
 *   <li>{@value #TIMESTAMP}: the signing time, epoch seconds (decimal);
 *   <li>{@value #NONCE}: 16 to 128 characters of {@code [A-Za-z0-9_-]}, new for every request
 *       (a random 128-bit value in hex is right);
 *   <li>{@value #SIGNATURE}: {@code v1=} and the lower-case hex HMAC-SHA256, with the key's secret
 *       (its UTF-8 bytes), of {@code METHOD + "\n" + PATH + "\n" + TIMESTAMP + "\n" + NONCE + "\n" + BODY}
 *       where METHOD is upper case ({@code POST}), PATH the request path without query
 *       ({@code /v1/events}) and BODY the exact body bytes.
 * </ul>
 *
 * Every attempt of a request, retries included, is signed anew with a fresh nonce and timestamp.
 */
public final class RequestSignature {
  /** Header naming the key id. */
  public static final String KEY_ID = "X-Glasswatch-Key-Id";
  /** Header with the signing time in epoch seconds. */
  public static final String TIMESTAMP = "X-Glasswatch-Timestamp";
  /** Header with the request's nonce. */
  public static final String NONCE = "X-Glasswatch-Nonce";
  /** Header with {@code v1=<hex HMAC-SHA256>}. */
  public static final String SIGNATURE = "X-Glasswatch-Signature";
  /** Signature scheme prefix. */
  public static final String VERSION_PREFIX = "v1=";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private RequestSignature() {}

  /**
   * The HMAC-SHA256 of the canonical request.
   *
   * @param secret the key's secret bytes
   * @param method HTTP method, upper case
   * @param path request path without query
   * @param timestamp epoch seconds as sent
   * @param nonce the nonce as sent
   * @param body the body bytes
   * @return 32 bytes
   */
  public static byte[] mac(byte[] secret, String method, String path, String timestamp, String nonce, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((method + "\n" + path + "\n" + timestamp + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /**
   * The four headers of a signed request.
   *
   * @param keyId the key id
   * @param secret the key's secret bytes
   * @param method HTTP method
   * @param path request path
   * @param epochSeconds signing time
   * @param body body bytes
   * @return header name → value, in the order above
   */
  public static Map<String, String> headers(String keyId, byte[] secret, String method, String path,
      long epochSeconds, byte[] body) {
    byte[] n = new byte[16];
    RANDOM.nextBytes(n);
    String nonce = HEX.formatHex(n);
    String ts = Long.toString(epochSeconds);
    Map<String, String> h = new LinkedHashMap<>();
    h.put(KEY_ID, keyId);
    h.put(TIMESTAMP, ts);
    h.put(NONCE, nonce);
    h.put(SIGNATURE, VERSION_PREFIX + HEX.formatHex(mac(secret, method, path, ts, nonce, body)));
    return h;
  }

  /**
   * Whether {@code signatureHeader} is the right signature, compared in constant time.
   *
   * @param signatureHeader the {@value #SIGNATURE} header value
   * @return false for a missing prefix, bad hex or a different MAC
   */
  static boolean verify(byte[] secret, String method, String path, String timestamp, String nonce, byte[] body,
      String signatureHeader) {
    if (signatureHeader == null || !signatureHeader.startsWith(VERSION_PREFIX)) {
      return false;
    }
    byte[] given;
    try {
      given = HEX.parseHex(signatureHeader.substring(VERSION_PREFIX.length()).trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(given, mac(secret, method, path, timestamp, nonce, body));
  }
}
