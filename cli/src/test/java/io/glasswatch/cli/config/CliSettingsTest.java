package io.glasswatch.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CliSettings}: the cli's own keys, read once, every problem at once. */
class CliSettingsTest {
  @TempDir Path dir;

  @Test
  void readsTheKafkaTheTopicPrefixAndThePolicyFile() throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.yaml"), "rotationDeadline: 4h\n");
    CliSettings c = CliSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.KAFKA_BOOTSTRAP, "kafka-1:9092")
        .set(GlasswatchSettings.TOPIC_PREFIX, "it-a-")
        .set(GlasswatchSettings.POLICY_FILE, policy.toString()).build());

    assertThat(c.topics().name("alerts")).isEqualTo("it-a-alerts");
    assertThat(c.policyFile()).contains(policy);
    assertThat(c.adminProperties()).containsEntry(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka-1:9092");
    assertThat(c.readerProperties()).containsEntry("isolation.level", "read_committed");
    assertThat(CliSettings.from(GlasswatchSettings.builder().build()).policyFile()).isEmpty();
  }

  @Test
  void reportsAnInvalidApplicationIdAndLeavesAnUnreadablePolicyFileToTheCommandThatAppliesIt() {
    GlasswatchSettings s = GlasswatchSettings.builder()
        .set(GlasswatchSettings.STREAMS_APP_ID, "bad id")
        .set(GlasswatchSettings.POLICY_FILE, dir.resolve("missing.yaml").toString()).build();

    assertThatThrownBy(() -> CliSettings.from(s)).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.problems()).containsExactly(
            GlasswatchSettings.STREAMS_APP_ID + ": expected letters, digits, '.', '_' or '-', got 'bad id'"));
  }
}
