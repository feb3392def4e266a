package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RevokeSettingsTest {
  @Test
  void readsDefaultsAndPerAccountRoles() {
    RevokeSettings r = RevokeSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.REVOKE_ROLE_ARN, "arn:aws:iam::999999999999:role/glasswatch-revoker")
        .set(GlasswatchSettings.REVOKE_ROLE_ARN + ".123456789012", "arn:aws:iam::123456789012:role/other")
        .build());
    assertThat(r.deadline()).isEqualTo(Duration.ofSeconds(60));
    assertThat(r.giveUp()).isEqualTo(Duration.ofMinutes(15));
    assertThat(r.parallelism()).isEqualTo(8);
    assertThat(r.roleFor("123456789012")).isEqualTo("arn:aws:iam::123456789012:role/other");
    assertThat(r.roleFor("210987654321")).isEqualTo("arn:aws:iam::999999999999:role/glasswatch-revoker");
    assertThat(r.revokerOptions().deadline()).isEqualTo(Duration.ofSeconds(60));
    assertThat(r.revokerOptions().giveUp()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void reportsEveryInvalidKeyAtOnce() {
    GlasswatchSettings bad = GlasswatchSettings.builder()
        .set(GlasswatchSettings.REVOKE_DEADLINE, "soon")
        .set(GlasswatchSettings.REVOKE_PARALLELISM, "0")
        .set(GlasswatchSettings.REVOKE_ROLE_ARN + ".12", "arn:aws:iam::123456789012:role/x")
        .set(GlasswatchSettings.REVOKE_ROLE_ARN, "not-an-arn")
        .build();
    assertThatThrownBy(() -> RevokeSettings.from(bad)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(GlasswatchSettings.REVOKE_DEADLINE)
        .hasMessageContaining(GlasswatchSettings.REVOKE_PARALLELISM)
        .hasMessageContaining("<12-digit account id>")
        .hasMessageContaining("expected an IAM role ARN");
  }

  @Test
  void refusesAGiveUpTimeShorterThanTheDeadline() {
    assertThatThrownBy(() -> RevokeSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.REVOKE_DEADLINE, "PT2M").set(GlasswatchSettings.REVOKE_GIVE_UP, "90s").build()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("must not be shorter");
  }
}
