package io.glasswatch.producers.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestSignatureTest {
  private static final byte[] KEY = "k".repeat(32).getBytes(StandardCharsets.UTF_8);
  private static final byte[] BODY = "{\"type\":\"request\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void signsMethodPathTimestampNonceAndBody() {
    Map<String, String> h = RequestSignature.headers("gw", KEY, "POST", "/v1/events", 1714564800L, BODY);
    String ts = h.get(RequestSignature.TIMESTAMP);
    String nonce = h.get(RequestSignature.NONCE);

    assertThat(h.get(RequestSignature.KEY_ID)).isEqualTo("gw");
    assertThat(ts).isEqualTo("1714564800");
    assertThat(nonce).matches("[0-9a-f]{32}");
    assertThat(h.get(RequestSignature.SIGNATURE)).isEqualTo("v1=" + HexFormat.of().formatHex(
        RequestSignature.mac(KEY, "POST", "/v1/events", ts, nonce, BODY)));
    assertThat(RequestSignature.verify(KEY, "POST", "/v1/events", ts, nonce, BODY, h.get(RequestSignature.SIGNATURE)))
        .isTrue();
  }

  @Test
  void anyChangedPartFailsVerification() {
    Map<String, String> h = RequestSignature.headers("gw", KEY, "POST", "/v1/events", 1714564800L, BODY);
    String ts = h.get(RequestSignature.TIMESTAMP);
    String nonce = h.get(RequestSignature.NONCE);
    String sig = h.get(RequestSignature.SIGNATURE);

    assertThat(RequestSignature.verify(KEY, "PUT", "/v1/events", ts, nonce, BODY, sig)).isFalse();
    assertThat(RequestSignature.verify(KEY, "POST", "/v1/other", ts, nonce, BODY, sig)).isFalse();
    assertThat(RequestSignature.verify(KEY, "POST", "/v1/events", "1714564801", nonce, BODY, sig)).isFalse();
    assertThat(RequestSignature.verify(KEY, "POST", "/v1/events", ts, nonce + "0", BODY, sig)).isFalse();
    assertThat(RequestSignature.verify(KEY, "POST", "/v1/events", ts, nonce, "{}".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
    assertThat(RequestSignature.verify(KEY, "POST", "/v1/events", ts, nonce, BODY, sig.substring(3))).isFalse();
    assertThat(RequestSignature.verify(KEY, "POST", "/v1/events", ts, nonce, BODY, "v1=zz")).isFalse();
  }

  @Test
  void aNonceIsAcceptedOncePerKeyWithinTheWindow() {
    NonceCache cache = new NonceCache(300);

    assertThat(cache.firstUse("gw", "n-1", 1000, 1000)).isTrue();
    assertThat(cache.firstUse("gw", "n-1", 1000, 1001)).isFalse();
    assertThat(cache.firstUse("other", "n-1", 1000, 1001)).isTrue();
    assertThat(cache.firstUse("gw", "n-2", 1000, 1700)).isTrue(); // pruning happened: n-1 expired at 1600
    assertThat(cache.size()).isEqualTo(1);
  }
}
