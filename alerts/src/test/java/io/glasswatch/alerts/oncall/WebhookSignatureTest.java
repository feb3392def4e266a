package io.glasswatch.alerts.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.alerts.oncall.WebhookSignature.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private static final String SECRET = "whsec_glasswatch_test";
  private static final String NONCE = "00112233445566778899aabbccddeeff";
  private static final byte[] BODY = "{\"alertId\":\"a1\"}".getBytes(StandardCharsets.UTF_8);
  private static final Instant SIGNED_AT = Instant.ofEpochSecond(1_700_000_000L);
  private static final Duration TOLERANCE = WebhookSignature.DEFAULT_TOLERANCE;

  @Test
  void signsTimestampNonceAndBodyWithHmacSha256KnownVector() {
    // printf '%s' '1700000000.00112233445566778899aabbccddeeff.{"alertId":"a1"}' \
    //   | openssl dgst -sha256 -hmac 'whsec_glasswatch_test'
    assertThat(WebhookSignature.sign(SECRET, 1_700_000_000L, NONCE, BODY))
        .isEqualTo("v1=10bdf551ca08fd2fd0d4a53ffbccd389c08b935565f438f7ed91d375e2588fec");
  }

  @Test
  void acceptsAFreshCorrectlySignedRequest() {
    String sig = WebhookSignature.sign(SECRET, 1_700_000_000L, NONCE, BODY);
    assertThat(WebhookSignature.check(SECRET, "1700000000", NONCE, BODY, sig, SIGNED_AT.plusSeconds(299), TOLERANCE))
        .isEqualTo(Verdict.VALID);
    assertThat(WebhookSignature.verify(SECRET, "1700000000", NONCE, BODY, sig, SIGNED_AT.minusSeconds(299), TOLERANCE)).isTrue();
  }

  @Test
  void rejectsATamperedBodyNonceOrTimestamp() {
    String sig = WebhookSignature.sign(SECRET, 1_700_000_000L, NONCE, BODY);
    byte[] tampered = "{\"alertId\":\"a2\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookSignature.check(SECRET, "1700000000", NONCE, tampered, sig, SIGNED_AT, TOLERANCE))
        .isEqualTo(Verdict.BAD_SIGNATURE);
    assertThat(WebhookSignature.check(SECRET, "1700000000", "ffeeddccbbaa99887766554433221100", BODY, sig, SIGNED_AT, TOLERANCE))
        .isEqualTo(Verdict.BAD_SIGNATURE);
    assertThat(WebhookSignature.check(SECRET, "1700000001", NONCE, BODY, sig, SIGNED_AT, TOLERANCE))
        .isEqualTo(Verdict.BAD_SIGNATURE);
    assertThat(WebhookSignature.check("another-secret", "1700000000", NONCE, BODY, sig, SIGNED_AT, TOLERANCE))
        .isEqualTo(Verdict.BAD_SIGNATURE);
  }

  @Test
  void rejectsTimestampsOutsideTheTolerance() {
    String sig = WebhookSignature.sign(SECRET, 1_700_000_000L, NONCE, BODY);
    assertThat(WebhookSignature.check(SECRET, "1700000000", NONCE, BODY, sig, SIGNED_AT.plusSeconds(301), TOLERANCE))
        .isEqualTo(Verdict.STALE);
    assertThat(WebhookSignature.verify(SECRET, "1700000000", NONCE, BODY, sig, SIGNED_AT.minusSeconds(301), TOLERANCE)).isFalse();
  }

  @Test
  void rejectsMissingOrMalformedHeaders() {
    String sig = WebhookSignature.sign(SECRET, 1_700_000_000L, NONCE, BODY);
    assertThat(WebhookSignature.check(SECRET, null, NONCE, BODY, sig, SIGNED_AT, TOLERANCE)).isEqualTo(Verdict.MALFORMED);
    assertThat(WebhookSignature.check(SECRET, "17e8", NONCE, BODY, sig, SIGNED_AT, TOLERANCE)).isEqualTo(Verdict.MALFORMED);
    assertThat(WebhookSignature.check(SECRET, "1700000000", "short", BODY, sig, SIGNED_AT, TOLERANCE)).isEqualTo(Verdict.MALFORMED);
    assertThat(WebhookSignature.check(SECRET, "1700000000", NONCE, BODY, null, SIGNED_AT, TOLERANCE)).isEqualTo(Verdict.MALFORMED);
    assertThat(WebhookSignature.check(SECRET, "1700000000", NONCE, BODY, sig.replace("v1=", "v0="), SIGNED_AT, TOLERANCE))
        .isEqualTo(Verdict.MALFORMED);
  }

  @Test
  void acceptsAnyMatchingValueAmongSeveralForKeyRotation() {
    String sig = WebhookSignature.sign(SECRET, 1_700_000_000L, NONCE, BODY);
    String old = WebhookSignature.sign("old-secret", 1_700_000_000L, NONCE, BODY);
    assertThat(WebhookSignature.check(SECRET, "1700000000", NONCE, BODY, old + ", " + sig, SIGNED_AT, TOLERANCE))
        .isEqualTo(Verdict.VALID);
  }

  @Test
  void makesFresh128BitHexNonces() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String n = WebhookSignature.newNonce();
      assertThat(n).matches("[0-9a-f]{32}");
      seen.add(n);
    }
    assertThat(seen).hasSize(100);
  }

  @Test
  void refusesToSignWithAnEmptySecret() {
    assertThatThrownBy(() -> WebhookSignature.sign("", 1L, NONCE, BODY)).isInstanceOf(IllegalArgumentException.class);
  }
}
