package io.glasswatch.producers.normalize.core;


import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretsTest {
  private static String redact(String raw) {
    return new String(Secrets.redactRaw(raw.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  @Test
  void namesSecretFieldsButNotLookalikes() {
    assertThat(Secrets.isSecretField("tokenId")).isTrue();
    assertThat(Secrets.isSecretField("sessionToken")).isTrue();
    assertThat(Secrets.isSecretField("clientSecret")).isTrue();
    assertThat(Secrets.isSecretField("masterUserPassword")).isTrue();
    assertThat(Secrets.isSecretField("PasswordUpdated")).isFalse();
    assertThat(Secrets.isSecretField("tokenFingerprint")).isFalse();
    assertThat(Secrets.isSecretField("httpTokens")).isFalse();
  }

  @Test
  void aCharacterInsertedIntoASecretNameDoesNotHideIt() {
    assertThat(Secrets.isSecretField("clientSecre\u1c29t")).isTrue();
    assertThat(Secrets.isSecretField("client-secret")).isTrue();
    assertThat(Secrets.isSecretField("session Token")).isTrue();
    assertThat(Secrets.isSecretField("Password\u00e9Updated")).isFalse();
  }

  @Test
  void redactsStringsObjectsScalarsAndCutOffValuesInRawText() {
    assertThat(redact("{\"a\":1,\"tokenId\" : \"abc\\\"def\",\"b\":2}"))
        .isEqualTo("{\"a\":1,\"tokenId\" : \"[REDACTED]\",\"b\":2}");
    assertThat(redact("{\"tokenId\":{\"v\":\"abc\",\"w\":[1,\"}\"]},\"b\":2}"))
        .isEqualTo("{\"tokenId\":\"[REDACTED]\",\"b\":2}");
    assertThat(redact("{\"tokenId\": abc123, \"b\":2}")).isEqualTo("{\"tokenId\": \"[REDACTED]\", \"b\":2}");
    assertThat(redact("{\"type\":\"grant\",\"tokenId\":\"abc\n{\"x\":1}")).isEqualTo("{\"type\":\"grant\",\"tokenId\":\"[REDACTED]\"\n{\"x\":1}");
    assertThat(redact("{\"tokenId\":\"abc")).isEqualTo("{\"tokenId\":\"[REDACTED]\"");
    assertThat(redact("{\"token\\u0049d\":\"abc\"}")).isEqualTo("{\"token\\u0049d\":\"[REDACTED]\"}");
  }

  @Test
  void leavesTextWithoutSecretsUntouched() {
    byte[] raw = "{\"PasswordUpdated\":\"Success\",\"x\":\"tokenId\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(Secrets.redactRaw(raw)).isSameAs(raw);
  }

  @Test
  void aStrayCharacterBetweenASecretNameAndItsColonDoesNotHideTheValue() {
    assertThat(redact("{\"principalId\":\"p-1\",\"clientSecret\"\u104d:\"s3cr3t\"}"))
        .doesNotContain("s3cr3t").contains("[REDACTED]").startsWith("{\"principalId\":\"p-1\"");
    assertThat(redact("{\"clientSecret\" x :\"s3cr3t\"}")).doesNotContain("s3cr3t");
  }

  @Test
  void aSecretWhoseColonWasLostIsRedactedAllTheSame() {
    assertThat(redact("{\"clientSecret\" \"s3cr3t\",\"a\":1}")).doesNotContain("s3cr3t").endsWith(",\"a\":1}");
    assertThat(redact("{\"sessionToken\" {\"v\":\"s3cr3t\"}}")).doesNotContain("s3cr3t");
  }

  @Test
  void aQuotedValueThatLooksLikeASecretNameChangesNothingAfterIt() {
    String raw = "{\"field\":\"password\",\"a\":\"b\"}";
    assertThat(redact(raw)).isEqualTo(raw);
  }

  @Test
  void redactsAroundStringsOfAMillionCharactersWithoutOverflowingTheStack() {
    String policy = "{\\\"Statement\\\":[" + "x".repeat(500_000) + "\\\\" + "y".repeat(500_000) + "]}";
    String raw = "{\"keyPolicy\":\"" + policy + "\",\"clientSecret\":\"s3cr3t\",\"b\":\"" + "z".repeat(2_000) + "\"";
    String out = redact(raw);
    assertThat(out).contains("\"clientSecret\":\"[REDACTED]\"").doesNotContain("s3cr3t").startsWith("{\"keyPolicy\":");
  }

  @Test
  void findsASecretAfterCorruptTextThatFlipsTheQuoteParity() {
    assertThat(redact("{\"a\"\uFFFD\"b\",\"c\":\uFFFDd\",\"x\":{\"clientSecret\":\"s3cr3t\"}}"))
        .contains("\"clientSecret\":\"[REDACTED]\"").doesNotContain("s3cr3t");
  }

  @Test
  void aNameWithUndecodableBytesOrWithoutItsOpeningQuoteCountsAsSecret() {
    assertThat(redact("{\"a\":1,\"clientSecre\uFFFD\":\"s3cr3t\"}")).doesNotContain("s3cr3t");
    assertThat(redact("{\"a\":\"b\",\uFFFDclientSecret\":\"s3cr3t\"}")).doesNotContain("s3cr3t");
    assertThat(redact("{\"eventName\":\"x\",\"b\":2}")).isEqualTo("{\"eventName\":\"x\",\"b\":2}");
  }
}
