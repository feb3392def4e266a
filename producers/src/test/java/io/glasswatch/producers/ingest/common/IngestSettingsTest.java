package io.glasswatch.producers.ingest.common;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestSettingsTest {
  private static final String SECRET_A = "0123456789abcdef0123456789abcdef-a";
  private static final String SECRET_B = "0123456789abcdef0123456789abcdef-b";

  private static IngestSettings parse(Map<String, String> m) {
    return IngestSettings.from(GlasswatchSettings.builder().setAll(m).build());
  }

  @Test
  void defaultsTurnEveryComponentOffAndAskForWhatTheDetectorsNeed() {
    IngestSettings s = parse(Map.of());

    assertThat(s.anyEnabled()).isFalse();
    assertThat(s.lookupAttributes()).containsExactly(Map.entry("Username", "root"), Map.entry("EventName", "ConsoleLogin"),
        Map.entry("EventSource", "iam.amazonaws.com"), Map.entry("EventSource", "sso.amazonaws.com"),
        Map.entry("EventName", "AssumeRole"), Map.entry("EventName", "AssumeRoot"));
    assertThat(s.findingTypes()).contains("Policy:IAMUser/RootCredentialUsage")
        .allMatch(t -> t.contains(":IAMUser/"));
    assertThat(s.cloudTrailRequestsPerSecond()).isEqualTo(2);
    assertThat(s.clockSkew()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.checkpointTopic()).isEqualTo("ingest-checkpoints");
  }

  @Test
  void theDefaultCheckpointTopicTakesTheTopicPrefixAndANamedOneIsUsedAsGiven() {
    assertThat(parse(Map.of("kafka.topic-prefix", "it-x-")).checkpointTopic()).isEqualTo("it-x-ingest-checkpoints");
    assertThat(parse(Map.of("kafka.topic-prefix", "it-x-", IngestSettings.CHECKPOINT_TOPIC, "ops-checkpoints"))
        .checkpointTopic()).isEqualTo("ops-checkpoints");
  }

  @Test
  void readsSeveralHmacKeysForRotationAndNeverPrintsTheirSecrets() {
    IngestSettings s = parse(Map.of(IngestSettings.HTTP_LISTEN, "127.0.0.1:8088",
        IngestSettings.HMAC_SECRET, "gw-2024:" + SECRET_A + ",gw-2025:" + SECRET_B));

    assertThat(s.hmacKeys()).containsOnlyKeys("gw-2024", "gw-2025");
    assertThat(s.httpListen().getPort()).isEqualTo(8088);
    assertThat(s.toString()).contains("gw-2024", "gw-2025").doesNotContain(SECRET_A, SECRET_B);
    GlasswatchSettings g = GlasswatchSettings.builder().set(IngestSettings.HMAC_SECRET, "gw:" + SECRET_A).build();
    assertThat(g.toString()).doesNotContain(SECRET_A);
  }

  @Test
  void reportsEveryInvalidKeyAtOnceWithoutEchoingSecrets() {
    assertThatThrownBy(() -> parse(Map.of(
        IngestSettings.HTTP_LISTEN, "localhost",
        IngestSettings.HMAC_SECRET, "gw:short-secret",
        IngestSettings.CT_REGIONS, "us-east-1,Mars",
        IngestSettings.CT_ATTRIBUTES, "EventName=ConsoleLogin,Colour=blue",
        IngestSettings.CT_OVERLAP, "soon",
        IngestSettings.ROLE_ARNS, "arn:aws:iam::12:role/x",
        IngestSettings.MAX_BODY, "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(IngestSettings.HTTP_LISTEN + ": expected host:port")
        .hasMessageContaining(IngestSettings.HMAC_SECRET + ": expected keyId:secret")
        .hasMessageContaining(IngestSettings.CT_REGIONS + ": expected AWS region names such as us-east-1, got 'Mars'")
        .hasMessageContaining(IngestSettings.CT_ATTRIBUTES + ": expected AttributeKey=AttributeValue")
        .hasMessageContaining(IngestSettings.CT_OVERLAP + ": expected a positive duration")
        .hasMessageContaining(IngestSettings.ROLE_ARNS + ": expected IAM role ARNs")
        .hasMessageContaining(IngestSettings.MAX_BODY + ": expected a whole number")
        .message().doesNotContain("short-secret");
  }

  @Test
  void requiresAKeyWhenTheEndpointIsOn() {
    assertThatThrownBy(() -> parse(Map.of(IngestSettings.HTTP_LISTEN, "0.0.0.0:8088")))
        .hasMessageContaining(IngestSettings.HMAC_SECRET + ": required when " + IngestSettings.HTTP_LISTEN);
  }

  @Test
  void parsesDurationsWithUnitsAndIso8601() {
    assertThat(IngestSettings.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(IngestSettings.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(IngestSettings.parseDuration("PT5M")).isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(() -> IngestSettings.parseDuration("15")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void allFindingTypesWithAStarAndAnExplicitList() {
    assertThat(parse(Map.of(IngestSettings.GD_TYPES, "*")).findingTypes()).isEmpty();
    assertThat(parse(Map.of(IngestSettings.GD_TYPES, "Policy:IAMUser/RootCredentialUsage")).findingTypes())
        .containsExactly("Policy:IAMUser/RootCredentialUsage");
  }
}
