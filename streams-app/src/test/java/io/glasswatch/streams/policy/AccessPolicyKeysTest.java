package io.glasswatch.streams.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SPEC 1.5 policy keys: {@code breakGlassPrincipals}, {@code approvers}, {@code approvalQuorum} and
 * {@code sources.<authz-gateway|jit-controller>.{approvalQuorum, approvers, approverAcr}}, top level and
 * under account and tenant overrides, with line-numbered problems.
 */
class AccessPolicyKeysTest {
  private static List<String> problemsOf(String yaml) {
    try {
      PolicyFile.parse(yaml, "policy.yaml");
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected problems in:\n" + yaml);
  }

  @Test
  void defaultsAreNoPrincipalListNoRosterNoTopLevelQuorumAndQuorumOneWithLoa2ForBothSources() {
    Policy p = Policy.defaults();

    assertThat(p.breakGlassPrincipals()).isNull();
    assertThat(p.allowsBreakGlass("anyone")).isTrue();
    assertThat(p.approvers()).isEmpty();
    assertThat(p.approvalQuorumFor(null)).isNull();
    assertThat(p.approvalQuorumFor(SourcePolicy.AUTHZ_GATEWAY)).isEqualTo(1);
    assertThat(p.approvalQuorumFor(SourcePolicy.JIT_CONTROLLER)).isEqualTo(1);
    assertThat(p.approverAcrFor(SourcePolicy.AUTHZ_GATEWAY, null)).isEqualTo("loa2");
    assertThat(p.approverAcrFor(SourcePolicy.AUTHZ_GATEWAY, "loa3")).as("what the record asserts wins").isEqualTo("loa3");
    assertThat(p.approverAcrFor(null, null)).isNull();
  }

  @Test
  void readsEveryKeyAtTheTopLevelAndMergesSourcesFieldByField() {
    Policy p = PolicyFile.parse("""
        breakGlassPrincipals: [alice, " Bob "]
        approvers: { carol: [incident_command], dana: [security, customer_account] }
        approvalQuorum: 2
        sources:
          jit-controller: { approvalQuorum: 3, approvers: { "bob@corp.example": [security] } }
          authz-gateway: { approverAcr: loa3 }
        """, "policy.yaml");

    assertThat(p.allowsBreakGlass("ALICE")).isTrue();
    assertThat(p.allowsBreakGlass("bob")).isTrue();
    assertThat(p.allowsBreakGlass("mallory")).isFalse();
    assertThat(p.rosterRoles(null, " Dana ")).containsExactly("security", "customer_account");
    assertThat(p.rosterRoles(SourcePolicy.JIT_CONTROLLER, "bob@corp.example")).containsExactly("security");
    assertThat(p.rosterRoles(SourcePolicy.JIT_CONTROLLER, "carol")).as("top-level roster below the source's")
        .containsExactly("incident_command");
    assertThat(p.approvalQuorumFor(null)).isEqualTo(2);
    assertThat(p.approvalQuorumFor(SourcePolicy.JIT_CONTROLLER)).isEqualTo(3);
    assertThat(p.approvalQuorumFor(SourcePolicy.AUTHZ_GATEWAY)).as("default kept").isEqualTo(1);
    assertThat(p.approverAcrFor(SourcePolicy.AUTHZ_GATEWAY, null)).isEqualTo("loa3");
    assertThat(p.approverAcrFor(SourcePolicy.JIT_CONTROLLER, null)).as("default kept").isEqualTo("loa2");
  }

  @Test
  void accountAndTenantOverridesCarryTheKeys() {
    Policy p = PolicyFile.parse("""
        breakGlassPrincipals: [alice]
        accounts:
          "111122223333":
            breakGlassPrincipals: [carol@corp.example]
            sources: { jit-controller: { approvalQuorum: 2 } }
        tenants:
          payments:
            breakGlassPrincipals: []
            approvers: { erin: [security] }
        """, "policy.yaml");

    Policy account = p.resolve("111122223333", null);
    assertThat(account.allowsBreakGlass("carol@corp.example")).isTrue();
    assertThat(account.allowsBreakGlass("alice")).isFalse();
    assertThat(account.approvalQuorumFor(SourcePolicy.JIT_CONTROLLER)).isEqualTo(2);
    assertThat(account.approverAcrFor(SourcePolicy.JIT_CONTROLLER, null)).isEqualTo("loa2");
    Policy payments = p.resolve(null, "payments");
    assertThat(payments.allowsBreakGlass("alice")).as("an empty list allows nobody").isFalse();
    assertThat(payments.rosterRoles(null, "erin")).containsExactly("security");
    assertThat(p.resolve(null, "retail").allowsBreakGlass("alice")).isTrue();
  }

  @Test
  void aTildeLeavesTheListAndTheQuorumUnset() {
    Policy p = PolicyFile.parse("breakGlassPrincipals: ~\napprovalQuorum: ~\n", "policy.yaml");

    assertThat(p).isEqualTo(Policy.defaults());
  }

  @Test
  void invalidValuesAreReportedWithTheirLines() {
    List<String> problems = problemsOf("""
        breakGlassPrincipals: alice
        approvers: { carol: [] , dana: incident_command }
        approvalQuorum: 0
        sources:
          authz-gateway: { approvalQuorum: two, approverAcr: LOA2, colour: red }
          okta: { approvalQuorum: 1 }
        accounts:
          "111122223333":
            sources: { jit-controller: { approverAcr: loa9 } }
        """);

    assertThat(problems).anySatisfy(m -> assertThat(m).startsWith("policy.yaml: breakGlassPrincipals: expected a list")
        .endsWith("(line 1)"));
    assertThat(problems).anySatisfy(m -> assertThat(m).contains("approvers.carol: expected a list of at least one role")
        .endsWith("(line 2)"));
    assertThat(problems).anySatisfy(m -> assertThat(m).contains("approvers.dana: expected a list").endsWith("(line 2)"));
    assertThat(problems).anySatisfy(m -> assertThat(m).contains("approvalQuorum: expected a positive count, got 0")
        .endsWith("(line 3)"));
    assertThat(problems).anySatisfy(m -> assertThat(m)
        .contains("sources.authz-gateway.approvalQuorum: expected a positive whole number").endsWith("(line 5)"));
    assertThat(problems).anySatisfy(m -> assertThat(m).contains("sources.authz-gateway.approverAcr: expected a lower-case")
        .endsWith("(line 5)"));
    assertThat(problems).anySatisfy(m -> assertThat(m).contains("sources.authz-gateway.colour: unknown key")
        .endsWith("(line 5)"));
    assertThat(problems).anySatisfy(m -> assertThat(m).contains("sources.okta: unknown source").endsWith("(line 6)"));
    assertThat(problems).anySatisfy(m -> assertThat(m)
        .contains("accounts.111122223333.sources.jit-controller.approverAcr: expected one of [loa1, loa2, loa3, loa4]"));
  }

  @Test
  void theBuilderValidatesToo() {
    assertThatThrownBy(() -> Policy.defaults().toBuilder().approvalQuorum(0).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("approvalQuorum");
    assertThatThrownBy(() -> Policy.defaults().toBuilder()
        .sources(Map.of("okta", new SourcePolicy(1, null, null))).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("sources.okta");
    assertThatThrownBy(() -> Policy.defaults().toBuilder().approvers(Map.of("bob", List.of())).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("approvers.bob");
  }
}
