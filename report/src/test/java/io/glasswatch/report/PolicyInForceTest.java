package io.glasswatch.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy the report states as in force. */
class PolicyInForceTest {
  @TempDir Path dir;

  @Test
  void theShippedPolicyFileIsReadWithItsThresholdsAndAlertActions() {
    PolicyInForce p = PolicyInForce.load(Path.of("..", "config", "policy.yaml"));
    assertThat(p.origin()).endsWith("policy.yaml");
    assertThat(p.settings()).containsEntry("rotationDeadline", "24h").containsEntry("approvalMaxAge", "30m");
    assertThat(p.rotationDeadline()).isEqualTo(Duration.ofHours(24));
    assertThat(p.alertActions().get("TOKEN_REUSE")).contains("severity high", "revoke");
    assertThat(p.ruleOf("STALE_APPROVAL")).isEqualTo("approvalMaxAge = 30m");
  }

  @Test
  void aChangedDeadlineIsUsedAndUnsetKeysKeepTheirDefaults() throws Exception {
    Path f = Files.writeString(dir.resolve("p.yaml"), "rotationDeadline: 12h\nmaxGrantDuration: 2h\n");
    PolicyInForce p = PolicyInForce.load(f);
    assertThat(p.rotationDeadline()).isEqualTo(Duration.ofHours(12));
    assertThat(p.ruleOf("EXCESSIVE_DURATION")).isEqualTo("maxGrantDuration = 2h");
    assertThat(p.settings()).containsEntry("approvalMaxAge", "30m");
  }

  @Test
  void withoutAFileTheBuiltInDefaultsAreStated() {
    PolicyInForce p = PolicyInForce.builtIn();
    assertThat(p.origin()).isEqualTo("built-in defaults");
    assertThat(p.rotationDeadline()).isEqualTo(Duration.ofHours(24));
    assertThat(p.alertActions()).containsKey("UNAUTHORIZED_ROOT_USE");
    assertThat(p.ruleOf("SELF_APPROVAL")).isEmpty();
  }

  @Test
  void anUnreadableDeadlineFallsBackToTheDefault() throws Exception {
    Path f = Files.writeString(dir.resolve("p.yaml"), "rotationDeadline: soon\n");
    assertThat(PolicyInForce.load(f).rotationDeadline()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void aMissingFileOrOneThatIsNotAMappingIsAConfigurationError() throws Exception {
    assertThatThrownBy(() -> PolicyInForce.load(dir.resolve("absent.yaml")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("absent.yaml");
    Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");
    assertThatThrownBy(() -> PolicyInForce.load(list)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("must be a YAML mapping");
  }
}
