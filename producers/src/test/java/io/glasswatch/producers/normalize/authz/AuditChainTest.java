package io.glasswatch.producers.normalize.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.producers.normalize.core.Json;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit-bus checksum chain on the real run's lines (key {@code harness-audit-key}). */
class AuditChainTest {
  private static final byte[] KEY = "harness-audit-key".getBytes(StandardCharsets.UTF_8);
  private List<String> lines;

  @BeforeEach
  void read() throws Exception {
    lines = Files.readAllLines(sample());
  }

  private static Path sample() throws URISyntaxException {
    return Path.of(AuditChainTest.class.getResource("/real-sources/authz-gateway/run-auditbus/audit.log").toURI());
  }

  private static AuditChain.Verdict check(AuditChain c, String file, long line, String text) throws Exception {
    JsonNode n = Json.MAPPER.readTree(text);
    return c.check(file, line, text.getBytes(StandardCharsets.UTF_8), n);
  }

  @Test
  void everyLineOfTheRealRunVerifiesIncludingAcrossTheRestart() throws Exception {
    AuditChain c = new AuditChain(KEY);
    for (int i = 0; i < lines.size(); i++) {
      assertThat(check(c, "a", i + 1, lines.get(i)).status()).as("line %d", i + 1).isEqualTo(AuditChain.VERIFIED);
    }
  }

  @Test
  void aTrailingCarriageReturnStillVerifies() throws Exception {
    AuditChain c = new AuditChain(KEY);
    assertThat(check(c, "a", 1, lines.get(0) + "\r").status()).isEqualTo(AuditChain.VERIFIED);
  }

  @Test
  void aReserializedRecordWithTheChecksumNotLastIsAnEdit() throws Exception {
    AuditChain c = new AuditChain(KEY);
    String moved = lines.get(0).replaceFirst("\\{\"subject\"", "{\"checksum\":\"x\",\"subject\"");
    AuditChain.Verdict v = check(c, "a", 1, moved.substring(0, moved.lastIndexOf(",\"checksum\"")) + "}");
    assertThat(v.status()).isEqualTo(AuditChain.BROKEN);
  }

  @Test
  void aSingleChangedByteIsAnEdit() throws Exception {
    AuditChain c = new AuditChain(KEY);
    AuditChain.Verdict v = check(c, "a", 1, lines.get(0).replace("\"alice\"", "\"alicf\""));
    assertThat(v.status()).isEqualTo(AuditChain.BROKEN);
    assertThat(v.problem()).contains("edited");
  }

  @Test
  void readingAFileAgainStartsItsChainAnew() throws Exception {
    AuditChain c = new AuditChain(KEY);
    check(c, "a", 1, lines.get(0));
    check(c, "a", 2, lines.get(1));
    assertThat(check(c, "a", 1, lines.get(0)).status()).isEqualTo(AuditChain.VERIFIED);
  }

  @Test
  void filesAreChainedSeparately() throws Exception {
    AuditChain c = new AuditChain(KEY);
    check(c, "a", 1, lines.get(0));
    assertThat(check(c, "b", 1, lines.get(0)).status()).isEqualTo(AuditChain.VERIFIED);
    assertThat(check(c, "b", 2, lines.get(2)).status()).isEqualTo(AuditChain.BROKEN);
  }

  @Test
  void withoutTheBytesTheRecordIsUnverifiedNotBroken() throws Exception {
    AuditChain c = new AuditChain(KEY);
    assertThat(c.check("http", 1, null, Json.MAPPER.readTree(lines.get(3))).status()).isEqualTo(AuditChain.UNVERIFIED);
  }
}
