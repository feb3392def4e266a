package io.glasswatch.streams.policy;

import io.glasswatch.catalogue.AlertPolicy;

import io.glasswatch.catalogue.Action;

import io.glasswatch.catalogue.Severity;

import io.glasswatch.catalogue.AlertType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyTest {
  @Test
  void defaultsAreTheSpecDefaults() {
    Policy p = Policy.defaults();

    assertThat(p.skew()).isEqualTo(Duration.ofMinutes(2));
    assertThat(p.decisionDelay()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.rotationDeadline()).isEqualTo(Duration.ofHours(24));
    assertThat(p.rootSessionGap()).isEqualTo(Duration.ofHours(1));
    assertThat(p.requiredApproverRoles()).containsExactly("incident_command", "security");
    assertThat(p.approvalMaxAge()).isEqualTo(Duration.ofMinutes(30));
    assertThat(p.maxGrantDuration()).isEqualTo(Duration.ofHours(1));
    assertThat(p.revokeDeadline()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.repeatThreshold()).isEqualTo(3);
    assertThat(p.deniedThreshold()).isEqualTo(5);
    assertThat(p.alerts()).containsOnlyKeys(AlertType.values());
    assertThat(p.alert(AlertType.UNAUTHORIZED_ROOT_USE))
        .isEqualTo(new AlertPolicy(Severity.CRITICAL, Set.of(Action.PAGE, Action.REVOKE),
            "docs/runbooks.md#unauthorized-root-use"));
    assertThat(p.alert(AlertType.ROOT_LOGIN_WITHOUT_MFA).actions()).containsExactly(Action.PAGE);
    assertThat(p.alert(AlertType.TOKEN_REUSE).actions()).containsExactly(Action.REVOKE);
    assertThat(p.alert(AlertType.REPEATED_BREAK_GLASS).severity()).isEqualTo(Severity.LOW);
    assertThat(p.alert(AlertType.WEAK_APPROVER_ASSURANCE).runbook()).isEqualTo("docs/runbooks.md#weak-approver-assurance");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> Policy.defaults().toBuilder()
            .skew(Duration.ofMinutes(-1))
            .rootSessionGap(Duration.ZERO)
            .requiredApproverRoles(List.of())
            .deniedThreshold(0)
            .build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(4)
            .anySatisfy(m -> assertThat(m).startsWith("skew:"))
            .anySatisfy(m -> assertThat(m).startsWith("rootSessionGap:"))
            .anySatisfy(m -> assertThat(m).startsWith("requiredApproverRoles:"))
            .anySatisfy(m -> assertThat(m).startsWith("deniedThreshold:")));
  }

  @Test
  void retentionMustOutliveTheRotationDeadline() {
    assertThatThrownBy(() -> Policy.defaults().toBuilder().stateRetention(Duration.ofHours(24)).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("stateRetention");
  }

  @Test
  void builderChangesOnlyWhatItIsTold() {
    Policy p = Policy.defaults().toBuilder().decisionDelay(Duration.ofMinutes(10))
        .alert(AlertType.ROOT_LOGIN_WITHOUT_MFA, new AlertPolicy(Severity.CRITICAL, Set.of(Action.PAGE, Action.REVOKE),
            "https://runbooks.example/mfa"))
        .build();

    assertThat(p.decisionDelay()).isEqualTo(Duration.ofMinutes(10));
    assertThat(p.skew()).isEqualTo(Policy.defaults().skew());
    assertThat(p.alert(AlertType.ROOT_LOGIN_WITHOUT_MFA).has(Action.REVOKE)).isTrue();
    assertThat(Policy.defaults().alert(AlertType.ROOT_LOGIN_WITHOUT_MFA).has(Action.REVOKE)).isFalse();
  }

  @Test
  void alertPolicyRejectsABlankRunbook() {
    assertThatThrownBy(() -> new AlertPolicy(Severity.LOW, Set.of(), " "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
