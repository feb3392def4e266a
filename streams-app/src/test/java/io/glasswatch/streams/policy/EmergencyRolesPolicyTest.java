package io.glasswatch.streams.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The SPEC 1.6 policy keys {@code emergencyRoles} and {@code identityCenterNames}. */
class EmergencyRolesPolicyTest {
  @Test
  void readsEmergencyRolesTopLevelAndPerAccountAndMatchesIgnoringCaseAndPath() {
    Policy p = PolicyFile.parse("""
        emergencyRoles: [arn:aws:iam::111122223333:role/break-glass-emergency]
        accounts:
          "444455556666":
            emergencyRoles: [arn:aws:iam::444455556666:role/ops/BreakGlass]
        """, "policy.yaml");
    assertThat(p.isEmergencyRole("arn:aws:iam::111122223333:role/break-glass-emergency")).isTrue();
    assertThat(p.isEmergencyRole("arn:aws:iam::111122223333:role/Break-Glass-Emergency")).isTrue();
    assertThat(p.isEmergencyRole("arn:aws:iam::111122223333:role/break-glass-emergency-2")).isFalse();
    assertThat(p.isEmergencyRole("arn:aws:iam::999999999999:role/break-glass-emergency")).isFalse();
    assertThat(p.isEmergencyRole(null)).isFalse();
    Policy account = p.resolve("444455556666", null);
    assertThat(account.isEmergencyRole("arn:aws:iam::444455556666:role/breakglass")).isTrue();
    assertThat(Policy.defaults().emergencyRoles()).isEmpty();
  }

  @Test
  void rejectsAnEmergencyRoleThatIsNoRoleArnNamingIt() {
    assertThatThrownBy(() -> PolicyFile.parse("emergencyRoles: [break-glass-emergency]\n", "policy.yaml"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("emergencyRoles[0]")
        .hasMessageContaining("IAM role ARN");
  }

  @Test
  void readsIdentityCenterNamesAndRejectsABlankName() {
    Policy p = PolicyFile.parse("""
        identityCenterNames:
          "arn:aws:sso:::permissionSet/ssoins-1/ps-1": BreakGlassAdmin
          94482418-30c1-7092-5a1b-3e2f4d6c8a90: priya@example.com
        """, "policy.yaml");
    assertThat(p.identityCenterName("arn:aws:sso:::permissionSet/ssoins-1/ps-1")).isEqualTo("BreakGlassAdmin");
    assertThat(p.identityCenterName("94482418-30c1-7092-5a1b-3e2f4d6c8a90")).isEqualTo("priya@example.com");
    assertThat(p.identityCenterName("unknown")).isNull();
    assertThatThrownBy(() -> PolicyFile.parse("identityCenterNames: { ps-1: \"\" }\n", "policy.yaml"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("identityCenterNames.ps-1");
  }
}
