package io.glasswatch.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.glasswatch.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy file's alert overrides and revoke deadline, as every module reads them. */
class PolicyAlertsTest {
  private static final String ACCOUNT = "123456789012";

  @Test
  void withoutAFileEveryTypeHasItsCatalogueDefaultsAndTheDeadlineIs60Seconds() {
    PolicyAlerts p = PolicyAlerts.defaults();
    for (AlertType t : AlertType.values()) {
      assertThat(p.alert(t, ACCOUNT, "payments")).isEqualTo(AlertPolicy.defaultsOf(t));
    }
    assertThat(p.revokeDeadline()).isEqualTo(Duration.ofSeconds(60));
    assertThat(PolicyAlerts.parse("", "empty.yaml").revokeDeadline(ACCOUNT)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void theRepositorysPolicyFileGivesTheCatalogueDefaults() {
    PolicyAlerts p = PolicyAlerts.load(Path.of("../config/policy.yaml"));
    for (AlertType t : AlertType.values()) {
      assertThat(p.alert(t, ACCOUNT, null)).as(t.name()).isEqualTo(AlertPolicy.defaultsOf(t));
    }
    assertThat(p.revokeDeadline()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void overridesApplyFieldByFieldAndAnAccountOverrideWinsOverATenantOverride() {
    PolicyAlerts p = PolicyAlerts.parse("""
        rotationDeadline: 24h
        revokeDeadline: 90s
        alerts:
          REVOKE_FAILED: { severity: high }
        accounts:
          "123456789012":
            revokeDeadline: 2m
            alerts:
              REVOKE_FAILED: { actions: [notify] }
        tenants:
          payments:
            alerts:
              REVOKE_FAILED: { runbook: "https://wiki.example/rf" }
        routing:
          default: [console]
        """, "policy.yaml");

    AlertPolicy onAccount = p.alert(AlertType.REVOKE_FAILED, ACCOUNT, "payments");
    assertThat(onAccount.severity()).isEqualTo(Severity.HIGH);
    assertThat(onAccount.actions()).isEqualTo(Set.of(Action.NOTIFY));
    assertThat(onAccount.runbook()).as("the tenant override is not combined").isEqualTo("docs/runbooks.md#revoke-failed");
    AlertPolicy onTenant = p.alert(AlertType.REVOKE_FAILED, "210987654321", "payments");
    assertThat(onTenant.runbook()).isEqualTo("https://wiki.example/rf");
    assertThat(onTenant.actions()).isEqualTo(Set.of(Action.PAGE));
    assertThat(p.alert(AlertType.TOKEN_REUSE, ACCOUNT, null)).isEqualTo(AlertPolicy.defaultsOf(AlertType.TOKEN_REUSE));
    assertThat(p.revokeDeadline(ACCOUNT)).isEqualTo(Duration.ofMinutes(2));
    assertThat(p.revokeDeadline("210987654321")).isEqualTo(Duration.ofSeconds(90));
    assertThat(p.maxRevokeDeadline()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void reportsEveryProblemOfItsKeysAtOnceWithTheKeyPath() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> PolicyAlerts.parse("""
        revokeDeadline: 60
        alerts:
          REVOKE_FAILD: { severity: high }
          TOKEN_REUSE: { severity: urgent, actions: [page, shout], color: red }
        accounts:
          "123456789012": { revokeDeadline: never }
        """, "policy.yaml"));

    assertThat(e.problems()).containsExactlyInAnyOrder(
        "policy.yaml: revokeDeadline: expected a positive duration such as 60s or PT1M, got 60 (a number needs a unit: ms, s, m, h or d)",
        "policy.yaml: alerts.REVOKE_FAILD: unknown alert type 'REVOKE_FAILD'; expected one of " + java.util.Arrays.stream(
            AlertType.values()).map(Enum::name).toList(),
        "policy.yaml: alerts.TOKEN_REUSE.severity: expected one of critical, high, medium, low, got 'urgent'",
        "policy.yaml: alerts.TOKEN_REUSE.actions[1]: expected page, notify or revoke, got 'shout'",
        "policy.yaml: alerts.TOKEN_REUSE.color: unknown key 'color'; expected one of [severity, actions, runbook]",
        "policy.yaml: accounts.123456789012.revokeDeadline: expected a positive duration such as 60s or PT1M, got 'never'");
  }

  @Test
  void anUnreadableFileOrNotYamlIsOneProblem(@TempDir Path dir) throws Exception {
    assertThat(catchThrowableOfType(ConfigException.class, () -> PolicyAlerts.load(dir.resolve("absent.yaml"))).getMessage())
        .contains("absent.yaml: cannot read the policy file");
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "alerts: [unclosed\n");
    assertThat(catchThrowableOfType(ConfigException.class, () -> PolicyAlerts.load(bad)).getMessage())
        .contains("bad.yaml: not valid YAML");
  }
}
