package io.glasswatch.producers.normalize.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.producers.normalize.jit.JitSignature;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceSettingsTest {
  @Test
  void keysComeFromTheEnvironmentWithDefaults() {
    SourceSettings s = SourceSettings.from(null, Map.of(
        "GLASSWATCH_SOURCES_AUTHZ_GATEWAY_AUDIT_SECRET", "harness-audit-key",
        "GLASSWATCH_SOURCES_JIT_CONTROLLER_WEBHOOK_SECRET", "{\"key-2026-01\":\"s1\",\"key-2025-12\":\"s0\"}",
        "GLASSWATCH_SOURCES_JIT_CONTROLLER_MAX_DURATION", "PT8H"));
    assertThat(new String(s.auditSecret(), StandardCharsets.UTF_8)).isEqualTo("harness-audit-key");
    assertThat(s.approverAcr()).isEqualTo("loa2");
    assertThat(s.jitMaxDuration()).isEqualTo(Duration.ofHours(8));
    assertThat(s.jitWebhookSecrets()).containsOnlyKeys("key-2026-01", "key-2025-12");
    assertThat(s.jitAssignments()).isFalse();
    assertThat(s.toString()).doesNotContain("harness-audit-key").doesNotContain("s1");
  }

  @Test
  void aPlainWebhookSecretHasTheDefaultKeyId() {
    assertThat(WebhookSecrets.parse("harness-signing-secret")).containsOnlyKeys("default");
  }

  @Test
  void invalidValuesAreNamedWithoutTheSecret() {
    assertThatThrownBy(() -> SourceSettings.from(null, Map.of("GLASSWATCH_SOURCES_JIT_CONTROLLER_MAX_DURATION", "4h")))
        .hasMessageContaining("sources.jit-controller.max-duration");
    assertThatThrownBy(() -> SourceSettings.from(null, Map.of("GLASSWATCH_SOURCES_JIT_CONTROLLER_WEBHOOK_SECRET",
        "{\"k\": 42}"))).hasMessageContaining("key id k").hasMessageNotContaining("42");
    assertThatThrownBy(() -> SourceSettings.from(null, Map.of("GLASSWATCH_SOURCES_JIT_CONTROLLER_MAX_DURATION", "PT0S")))
        .hasMessageContaining("positive");
  }

  @Test
  void theWorkedExampleOfTheControllersSignature() {
    byte[] body = ("{\"request_id\":\"1d1d7044-857f-45a8-9ab5-6def9d3d47aa\",\"status\":\"GRANTED\",\"account_id\":"
        + "\"111122223333\",\"channel_id\":\"ch-incident-7x\",\"actor\":\"system\",\"details\":{\"duration_minutes\":\"60\","
        + "\"requester_email\":\"alice@corp.example\"}}").getBytes(StandardCharsets.UTF_8);
    String sig = JitSignature.sign("harness-signing-secret".getBytes(StandardCharsets.UTF_8), "1796591549",
        "ff57b70e-84e8-4c3d-b75b-645746789dde", "post", "/jit/webhook", body);
    assertThat(sig).isEqualTo("d7a5fb53f2abb80728a9b3001a6a34ceb0a31a62fa184395bb2951349f0411fa");
    Map<String, byte[]> rotated = Map.of("old", "x".getBytes(StandardCharsets.UTF_8),
        "key-2026-01", "harness-signing-secret".getBytes(StandardCharsets.UTF_8));
    assertThat(JitSignature.verify(rotated, "old", "1796591549", "ff57b70e-84e8-4c3d-b75b-645746789dde", "POST",
        "/jit/webhook", body, sig)).as("a wrong key id falls back to every secret").isTrue();
    assertThat(JitSignature.verify(rotated, "key-2026-01", "1796591550", "ff57b70e-84e8-4c3d-b75b-645746789dde",
        "POST", "/jit/webhook", body, sig)).isFalse();
    assertThat(JitSignature.verify(rotated, "key-2026-01", "1796591549", "ff57b70e-84e8-4c3d-b75b-645746789dde",
        "POST", "/jit/webhook", body, "zz")).isFalse();
  }
}
