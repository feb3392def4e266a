package io.glasswatch.producers.normalize.jit;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The JIT controller's request signature ({@code internal/auth/hmac.go} of
 * {@code dgwhited/jit-aws-controller}; {@code real-sources/README.md} 2.6):
 *
 * <pre>
 * message   = timestamp + "\n" + nonce + "\n" + UPPERCASE(method) + "\n" + path + "\n" + hex(SHA-256(body))
 * signature = hex(HMAC-SHA256(key = UTF-8 bytes of the secret string, message))
 * </pre>
 *
 * All hex lower-case, no trailing newline; the webhook's path is the constant {@value #WEBHOOK_PATH}
 * whatever URL it was posted to. Headers: {@code X-JIT-KeyID}, {@code X-JIT-Timestamp} (Unix seconds),
 * {@code X-JIT-Nonce}, {@code X-JIT-Signature} (names case-insensitive).
 */
public final class JitSignature {
  /** The path every webhook is signed with. */
  public static final String WEBHOOK_PATH = "/jit/webhook";
  /** Header naming the key id. */
  public static final String KEY_ID = "X-JIT-KeyID";
  /** Header with the Unix time in seconds. */
  public static final String TIMESTAMP = "X-JIT-Timestamp";
  /** Header with the nonce. */
  public static final String NONCE = "X-JIT-Nonce";
  /** Header with the signature. */
  public static final String SIGNATURE = "X-JIT-Signature";

  private JitSignature() {}

  /** Lower-case hex HMAC-SHA256 of the message built from the parts, with {@code secret}. */
  public static String sign(byte[] secret, String timestamp, String nonce, String method, String path, byte[] body) {
    try {
      String message = timestamp + "\n" + nonce + "\n" + method.toUpperCase(java.util.Locale.ROOT) + "\n" + path + "\n"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /**
   * Whether {@code signature} verifies, as the controller's validator checks it: with the secret of the
   * named key id, then with every configured secret (rotation). Constant-time comparisons.
   *
   * @param secrets key id → secret bytes
   * @param keyId the {@code X-JIT-KeyID} header (may name no configured key)
   */
  public static boolean verify(Map<String, byte[]> secrets, String keyId, String timestamp, String nonce,
      String method, String path, byte[] body, String signature) {
    if (signature == null || !signature.matches("[0-9a-fA-F]{64}")) {
      return false;
    }
    byte[] given = signature.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    byte[] named = keyId == null ? null : secrets.get(keyId);
    if (named != null && MessageDigest.isEqual(given,
        sign(named, timestamp, nonce, method, path, body).getBytes(StandardCharsets.US_ASCII))) {
      return true;
    }
    for (byte[] s : secrets.values()) {
      if (MessageDigest.isEqual(given, sign(s, timestamp, nonce, method, path, body).getBytes(StandardCharsets.US_ASCII))) {
        return true;
      }
    }
    return false;
  }
}
