package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import org.junit.jupiter.api.Test;

class ContainmentPolicyTest {
  @Test
  void defaultsContainTheRevokingTypesAndTheTwoSessionTypesButNotExpiry() {
    ContainmentPolicy p = ContainmentPolicy.defaults();
    assertThat(p.alertTypes()).contains("UNAUTHORIZED_ROOT_USE", "TOKEN_REUSE", "EMERGENCY_ROLE_WITHOUT_REQUEST",
        "SESSION_OUTLIVED_GRANT").doesNotContain("WEAK_APPROVER_ASSURANCE", "REVOKE_FAILED");
    assertThat(p.contains("123456789012", "alert", "TOKEN_REUSE")).isTrue();
    assertThat(p.contains("123456789012", "alert", "STALE_APPROVAL")).isFalse();
    assertThat(p.contains("123456789012", "manual", null)).isTrue();
    assertThat(p.contains("123456789012", "expiry", null)).isFalse();
  }

  @Test
  void anAccountCanSwitchContainmentOffAndNarrowTheTypes() {
    ContainmentPolicy p = ContainmentPolicy.parse("""
        containment: { alertTypes: [TOKEN_REUSE, SESSION_OUTLIVED_GRANT], manualRevokes: false }
        emergencyRoles: ["arn:aws:iam::111122223333:role/BreakGlass"]
        accounts:
          "123456789012": { containment: { enabled: false } }
          "210987654321": { containment: { alertTypes: [SELF_APPROVAL] }, emergencyRoles: ["arn:aws:iam::210987654321:role/Em"] }
        """, "policy.yaml");
    assertThat(p.contains("123456789012", "alert", "TOKEN_REUSE")).isFalse();
    assertThat(p.enabledFor("123456789012")).isFalse();
    assertThat(p.contains("999999999999", "alert", "TOKEN_REUSE")).isTrue();
    assertThat(p.contains("999999999999", "alert", "SELF_APPROVAL")).isFalse();
    assertThat(p.contains("210987654321", "alert", "SELF_APPROVAL")).isTrue();
    assertThat(p.contains("210987654321", "alert", "TOKEN_REUSE")).isFalse();
    assertThat(p.contains("999999999999", "manual", null)).isFalse();
    assertThat(p.emergencyRolesIn("111122223333")).containsExactly("arn:aws:iam::111122223333:role/BreakGlass");
    assertThat(p.emergencyRolesIn("210987654321")).containsExactly("arn:aws:iam::210987654321:role/Em");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> ContainmentPolicy.parse("""
        containment: { enabled: maybe, alertTypes: [NOT_A_TYPE], colour: red }
        emergencyRoles: ["arn:aws:iam::1:role/x"]
        accounts:
          "123456789012": { containment: { manualRevokes: true }, emergencyRoles: ["arn:aws:iam::111122223333:role/Other"] }
        """, "policy.yaml"))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(6).anySatisfy(s -> assertThat(s)
            .contains("containment.enabled: expected true or false"))
            .anySatisfy(s -> assertThat(s).contains("unknown alert type 'NOT_A_TYPE'"))
            .anySatisfy(s -> assertThat(s).contains("containment.colour: unknown key"))
            .anySatisfy(s -> assertThat(s).contains("emergencyRoles: expected an IAM role ARN"))
            .anySatisfy(s -> assertThat(s).contains("manualRevokes: only at the top level"))
            .anySatisfy(s -> assertThat(s).contains("is not in account 123456789012")));
  }

  @Test
  void theRepositoryPolicyFileIsValid() {
    ContainmentPolicy p = ContainmentPolicy.load(java.nio.file.Path.of("../config/policy.yaml"));
    assertThat(p.enabled()).isTrue();
  }
}
