package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void refusesAGiveUpTimeShorterThanThePolicysRevokeDeadline(@TempDir Path dir) throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.yaml"), "revokeDeadline: PT2M\n");
    assertThatThrownBy(() -> RevokeSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.POLICY_FILE, policy.toString()).set(GlasswatchSettings.REVOKE_GIVE_UP, "90s").build()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("must not be shorter")
        .hasMessageContaining("revokeDeadline");
  }

  @Test
  void theRevokeDeadlineIsThePolicyFilesRevokeDeadlineWithAccountOverrides(@TempDir Path dir) throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.yaml"), """
        revokeDeadline: 90s
        rotationDeadline: 24h
        accounts:
          "123456789012": { revokeDeadline: 30s }
        """);
    RevokeSettings r = RevokeSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.POLICY_FILE, policy.toString()).build());
    assertThat(r.deadline()).isEqualTo(Duration.ofSeconds(90));
    assertThat(r.revokerOptions().deadline()).isEqualTo(Duration.ofSeconds(90));
    assertThat(r.policy().revokeDeadline("123456789012")).isEqualTo(Duration.ofSeconds(30));
    assertThat(r.policy().revokeDeadline("210987654321")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void theRetiredRevokeDeadlineKeyIsReportedNamingThePolicyKey() {
    assertThatThrownBy(() -> RevokeSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.REVOKE_DEADLINE, "60s").build()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("revoke.deadline: retired")
        .hasMessageContaining("revokeDeadline");
  }

  @Test
  void anInvalidPolicyFileIsReportedWithTheRevokeKeys(@TempDir Path dir) throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.yaml"), """
        revokeDeadline: soon
        alerts:
          REVOKE_FAILED: { severity: urgent }
        """);
    assertThatThrownBy(() -> RevokeSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.POLICY_FILE, policy.toString()).set(GlasswatchSettings.REVOKE_PARALLELISM, "99").build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("revokeDeadline: expected a positive duration")
        .hasMessageContaining("alerts.REVOKE_FAILED.severity: expected one of critical, high, medium, low, got 'urgent'")
        .hasMessageContaining(GlasswatchSettings.REVOKE_PARALLELISM);
  }

  @Test
  void theContainmentRoleReplacesTheAccountIdAndIsEmptyByDefault() {
    assertThat(RevokeSettings.from(GlasswatchSettings.builder().build()).containmentRoleFor("123456789012")).isEmpty();
    RevokeSettings r = RevokeSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.CONTAINMENT_ROLE_ARN, "arn:aws:iam::{accountId}:role/ops/GlasswatchContainment").build());
    assertThat(r.containmentRoleFor("210987654321")).isEqualTo("arn:aws:iam::210987654321:role/ops/GlasswatchContainment");
  }

  @Test
  void aContainmentRoleThatIsNoRoleArnIsReported() {
    for (String bad : new String[] {"GlasswatchContainment", "arn:aws:iam::{account}:role/X", "arn:aws:iam::{accountId}:user/X"}) {
      assertThatThrownBy(() -> RevokeSettings.from(GlasswatchSettings.builder()
          .set(GlasswatchSettings.CONTAINMENT_ROLE_ARN, bad).build())).isInstanceOf(ConfigException.class)
          .hasMessageContaining(GlasswatchSettings.CONTAINMENT_ROLE_ARN).hasMessageContaining("{accountId}");
    }
  }
}
