package io.glasswatch.streams.policy;

import io.glasswatch.catalogue.AlertPolicy;

import io.glasswatch.catalogue.Action;

import io.glasswatch.catalogue.Severity;

import io.glasswatch.catalogue.AlertType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.glasswatch.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyFileTest {
  /** The repository's policy file, from the module directory Surefire runs in. */
  private static final Path SHIPPED = Path.of("..").resolve(PolicyFile.DEFAULT_LOCATION);

  private static List<String> problemsOf(String yaml) {
    try {
      PolicyFile.parse(yaml, "policy.yaml");
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  // ---- the shipped file ----------------------------------------------------------------------

  @Test
  void shippedPolicyFileIsExactlyTheDefaults() {
    assertThat(PolicyFile.load(SHIPPED)).isEqualTo(Policy.defaults());
  }

  @Test
  void shippedPolicyFileNamesEveryKeyAndItsAlertTypesWithTheirDefaults() throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(SHIPPED.toFile());
    List<String> keys = new ArrayList<>();
    root.fieldNames().forEachRemaining(keys::add);
    keys.remove(PolicyFile.ROUTING);
    keys.remove(PolicyFile.CONTAINMENT); // read and validated by the alerts module
    assertThat(keys).containsExactlyElementsOf(PolicyFile.KEYS);

    List<String> types = new ArrayList<>();
    root.get("alerts").fieldNames().forEachRemaining(types::add);
    assertThat(types).isSubsetOf(Arrays.stream(AlertType.values()).map(Enum::name).toList()).isNotEmpty();
    for (String name : types) {
      AlertType t = AlertType.valueOf(name);
      JsonNode a = root.get("alerts").get(t.name());
      assertThat(a.get("severity").asText()).as(t.name()).isEqualTo(t.defaultSeverity().wireName());
      assertThat(a.get("runbook").asText()).as(t.name()).isEqualTo(t.defaultRunbook());
      assertThat(a.get("actions")).as(t.name()).hasSize(t.defaultActions().size());
    }
  }

  @Test
  void theContainmentSectionIsLeftToTheAlertsModuleAtTheTopAndInAccountOverrides() {
    Policy p = PolicyFile.parse("containment: { enabled: true }\naccounts:\n  \"123456789012\": { containment: { enabled: false }, "
        + "skew: 3m }\n", "policy.yaml");
    assertThat(p.resolve("123456789012", null).skew()).isEqualTo(java.time.Duration.ofMinutes(3));
  }

  @Test
  void anAlertTypeTheFileOmitsTakesTheCatalogueDefaults() {
    Policy p = PolicyFile.parse("alerts:\n  TOKEN_REUSE: { severity: low }\n", "policy.yaml");

    for (AlertType t : AlertType.values()) {
      if (t != AlertType.TOKEN_REUSE) {
        assertThat(p.alert(t)).as(t.name()).isEqualTo(AlertPolicy.defaultsOf(t));
        assertThat(p.alert(t).severity()).as(t.name()).isEqualTo(t.defaultSeverity());
        assertThat(p.alert(t).runbook()).as(t.name()).isEqualTo(t.defaultRunbook());
      }
    }
    assertThat(p.alert(AlertType.TOKEN_REUSE).severity()).isEqualTo(Severity.LOW);
  }

  @Test
  void shippedExampleOverridesAreValidWhenUncommented() throws IOException {
    String text = Files.readString(SHIPPED).replaceAll("(?m)^  # (\"123456789012\"|payments):", "  $1:")
        .replaceAll("(?m)^  #   ", "    ");

    Policy p = PolicyFile.parse(text, "policy.yaml");

    Policy prod = p.resolve("123456789012", null);
    assertThat(prod.rotationDeadline()).isEqualTo(Duration.ofHours(4));
    assertThat(prod.alert(AlertType.ROOT_LOGIN_WITHOUT_MFA).actions()).containsExactlyInAnyOrder(Action.PAGE, Action.REVOKE);
    Policy payments = p.resolve("210987654321", "payments");
    assertThat(payments.maxGrantDuration()).isEqualTo(Duration.ofMinutes(30));
    assertThat(payments.alert(AlertType.SCOPE_ESCALATION).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(p.resolve("210987654321", null)).isSameAs(p);
  }

  // ---- reading -------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"", "# nothing but a comment\n", "---\n"})
  void emptyDocumentIsTheDefaults(String yaml) {
    assertThat(PolicyFile.parse(yaml, "policy.yaml")).isEqualTo(Policy.defaults());
  }

  @Test
  void absentKeysKeepTheirDefaults() {
    Policy p = PolicyFile.parse("rotationDeadline: 4h\nrepeatThreshold: 10\n", "policy.yaml");

    assertThat(p).isEqualTo(Policy.defaults().toBuilder().rotationDeadline(Duration.ofHours(4)).repeatThreshold(10)
        .build());
  }

  @Test
  void readsEveryKind() {
    Policy p = PolicyFile.parse("""
        requiredApproverRoles: [security, customer_account]
        minApproverAcr: loa3
        acrOrder: [loa1, loa2, loa3]
        rootAntipatternActions: []
        deniedWindow: PT15M
        stateRetention: P14D
        """, "policy.yaml");

    assertThat(p.requiredApproverRoles()).containsExactly("security", "customer_account");
    assertThat(p.minApproverAcr()).isEqualTo("loa3");
    assertThat(p.isWeakAcr("loa2")).isTrue();
    assertThat(p.rootAntipatternActions()).isEmpty();
    assertThat(p.isRootAntipattern("CreateUser")).isFalse();
    assertThat(p.deniedWindow()).isEqualTo(Duration.ofMinutes(15));
    assertThat(p.stateRetention()).isEqualTo(Duration.ofDays(14));
  }

  @ParameterizedTest
  @CsvSource({
      "90s, PT1M30S", "5m, PT5M", "24h, PT24H", "30d, PT720H", "250ms, PT0.25S", "1h30m, PT1H30M", "0s, PT0S",
      "PT5M, PT5M", "pt5m, PT5M", "P30D, PT720H", "P1DT2H, PT26H", "' 10m ', PT10M"})
  void durationsAcceptIsoAndShortForms(String text, String expected) {
    assertThat(PolicyFile.parseDuration(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tomorrow", "5", "5 m", "-5m", "", "m", "5w", "P1M", "P1Y", "1h 30m", "99999999999999999999d"})
  void durationsRejectEverythingElse(String text) {
    assertThatThrownBy(() -> PolicyFile.parseDuration(text))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a duration");
  }

  @Test
  void everyAlertTypeCanBeConfigured() {
    StringBuilder yaml = new StringBuilder("alerts:\n");
    for (AlertType t : AlertType.values()) {
      yaml.append("  ").append(t.name()).append(": { severity: low, actions: [notify], runbook: \"https://runbooks.example/")
          .append(t.name().toLowerCase(Locale.ROOT)).append("\" }\n");
    }

    Policy p = PolicyFile.parse(yaml.toString(), "policy.yaml");

    for (AlertType t : AlertType.values()) {
      assertThat(p.alert(t)).as(t.name()).isEqualTo(new AlertPolicy(Severity.LOW, Set.of(Action.NOTIFY),
          "https://runbooks.example/" + t.name().toLowerCase(Locale.ROOT)));
    }
  }

  @Test
  void alertFieldsLeftOutKeepTheirDefaults() {
    Policy p = PolicyFile.parse("""
        alerts:
          TOKEN_REUSE: { actions: [notify] }
          REPEATED_BREAK_GLASS: { severity: MEDIUM, actions: [] }
        """, "policy.yaml");

    assertThat(p.alert(AlertType.TOKEN_REUSE))
        .isEqualTo(new AlertPolicy(Severity.HIGH, Set.of(Action.NOTIFY), "docs/runbooks.md#token-reuse"));
    assertThat(p.alert(AlertType.REPEATED_BREAK_GLASS))
        .isEqualTo(new AlertPolicy(Severity.MEDIUM, Set.of(), "docs/runbooks.md#repeated-break-glass"));
    assertThat(p.alert(AlertType.SELF_APPROVAL)).isEqualTo(AlertPolicy.defaultsOf(AlertType.SELF_APPROVAL));
  }

  @Test
  void loadReadsAFile(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("strict.yaml");
    Files.writeString(f, "decisionDelay: 10m\n");

    assertThat(PolicyFile.load(f).decisionDelay()).isEqualTo(Duration.ofMinutes(10));
  }

  // ---- overrides -----------------------------------------------------------------------------

  private static final String OVERRIDES = """
      decisionDelay: 10m
      alerts:
        TOKEN_REUSE: { actions: [notify] }
      accounts:
        "123456789012":
          rotationDeadline: 4h
          alerts:
            TOKEN_REUSE: { severity: critical }
        "012345678901":
          skew: 0s
      tenants:
        payments:
          maxGrantDuration: 30m
          rotationDeadline: 12h
      """;

  @Test
  void accountOverrideIsAppliedOnTopOfTheBase() {
    Policy p = PolicyFile.parse(OVERRIDES, "policy.yaml");
    Policy prod = p.resolve("123456789012", null);

    assertThat(prod.rotationDeadline()).isEqualTo(Duration.ofHours(4));
    assertThat(prod.decisionDelay()).isEqualTo(Duration.ofMinutes(10));
    assertThat(prod.maxGrantDuration()).isEqualTo(Policy.defaults().maxGrantDuration());
    assertThat(prod.alert(AlertType.TOKEN_REUSE))
        .isEqualTo(new AlertPolicy(Severity.CRITICAL, Set.of(Action.NOTIFY), "docs/runbooks.md#token-reuse"));
    assertThat(prod.accountPolicies()).isEmpty();
    assertThat(prod.tenantPolicies()).isEmpty();
    assertThat(p.resolve("012345678901", null).skew()).isZero();
  }

  @Test
  void accountWinsOverTenantWhichWinsOverTheBase() {
    Policy p = PolicyFile.parse(OVERRIDES, "policy.yaml");

    assertThat(p.resolve("123456789012", "payments").rotationDeadline()).isEqualTo(Duration.ofHours(4));
    assertThat(p.resolve("123456789012", "payments").maxGrantDuration()).isEqualTo(Duration.ofHours(1));
    assertThat(p.resolve("999999999999", "payments").rotationDeadline()).isEqualTo(Duration.ofHours(12));
    assertThat(p.resolve("999999999999", "payments").maxGrantDuration()).isEqualTo(Duration.ofMinutes(30));
    assertThat(p.resolve(null, "payments").decisionDelay()).isEqualTo(Duration.ofMinutes(10));
    assertThat(p.resolve("999999999999", "retail")).isSameAs(p);
    assertThat(p.resolve(null, null)).isSameAs(p);
    assertThat(p.rotationDeadline()).isEqualTo(Duration.ofHours(24));
    assertThat(p.accountPolicies()).containsOnlyKeys("123456789012", "012345678901");
    assertThat(p.tenantPolicies()).containsOnlyKeys("payments");
    assertThat(p.toString()).contains("accounts=[").contains("123456789012").contains("tenants=[payments]");
  }

  @Test
  void emptyOverrideSectionsAreAllowed() {
    assertThat(PolicyFile.parse("accounts:\ntenants: {}\nalerts:\n", "policy.yaml")).isEqualTo(Policy.defaults());
  }

  // ---- validation ----------------------------------------------------------------------------

  @Test
  void badDurationNamesFileKeyPathExpectedFormAndLine() {
    assertThat(problemsOf("""
        accounts:
          "123456789012":
            rotationDeadline: tomorrow
        """)).containsExactly("policy.yaml: accounts.123456789012.rotationDeadline: expected a duration such as 24h or "
            + "PT24H, got 'tomorrow' (line 3)");
  }

  @Test
  void numberWithoutUnitIsNotADuration() {
    assertThat(problemsOf("skew: 90\n")).containsExactly(
        "policy.yaml: skew: expected a duration such as 2m or PT2M, got 90 (a number needs a unit: ms, s, m, h or d) (line 1)");
  }

  @Test
  void unknownKeyNamesTheNearestKnownKey() {
    assertThat(problemsOf("rotationDeadlin: 4h\nrotation_deadline: 4h\n")).containsExactly(
        "policy.yaml: rotationDeadlin: unknown key, did you mean rotationDeadline? (line 1)",
        "policy.yaml: rotation_deadline: unknown key, did you mean rotationDeadline? (line 2)");
  }

  @Test
  void unknownKeyFarFromEveryKnownKeyListsThem() {
    assertThat(problemsOf("colour: blue\n")).singleElement().asString()
        .startsWith("policy.yaml: colour: unknown key; expected one of skew, decisionDelay,")
        .contains("alerts, accounts, tenants");
  }

  @Test
  void wrongTypesAreReported() {
    assertThat(problemsOf("""
        repeatThreshold: three
        deniedThreshold: 2.5
        minApproverAcr: [loa2]
        requiredApproverRoles: security
        acrOrder: [loa1, 2]
        decisionDelay: {minutes: 5}
        revokeDeadline:
        """)).containsExactly(
        "policy.yaml: repeatThreshold: expected a whole number such as 3, got 'three' (line 1)",
        "policy.yaml: deniedThreshold: expected a whole number such as 5, got 2.5 (line 2)",
        "policy.yaml: minApproverAcr: expected a string such as loa2, got a list (line 3)",
        "policy.yaml: requiredApproverRoles: expected a list such as [incident_command, security], got 'security' (line 4)",
        "policy.yaml: acrOrder[1]: expected a non-blank string, got 2 (line 5)",
        "policy.yaml: decisionDelay: expected a duration such as 5m or PT5M, got a mapping (line 6)",
        "policy.yaml: revokeDeadline: expected a duration such as 1m or PT1M, got nothing (line 7)");
  }

  @Test
  void unknownAlertTypesSeveritiesActionsAndFieldsAreReported() {
    assertThat(problemsOf("""
        alerts:
          TOKEN_REUS: { actions: [notify] }
          token-reuse: { actions: [notify] }
          COFFEE_SPILLED: { severity: low }
          SELF_APPROVAL: { severity: urgent, actions: [page, email], runbok: x }
          STALE_APPROVAL: { actions: notify, runbook: "" }
          DENIED_ATTEMPTS: notify
        """)).containsExactly(
        "policy.yaml: alerts.TOKEN_REUS: unknown alert type, did you mean TOKEN_REUSE? (line 2)",
        "policy.yaml: alerts.token-reuse: unknown alert type, did you mean TOKEN_REUSE? (line 3)",
        "policy.yaml: alerts.COFFEE_SPILLED: unknown alert type; expected one of UNAUTHORIZED_ROOT_USE, "
            + String.join(", ", Arrays.stream(AlertType.values()).skip(1).map(Enum::name).toList()) + " (line 4)",
        "policy.yaml: alerts.SELF_APPROVAL.severity: expected one of critical, high, medium, low, got 'urgent' (line 5)",
        "policy.yaml: alerts.SELF_APPROVAL.actions[1]: expected page, notify or revoke, got 'email' (line 5)",
        "policy.yaml: alerts.SELF_APPROVAL.runbok: unknown key, did you mean runbook? (line 5)",
        "policy.yaml: alerts.STALE_APPROVAL.actions: expected a list of page, notify, revoke such as [page, revoke] "
            + "([] to record the alert only), got 'notify' (line 6)",
        "policy.yaml: alerts.STALE_APPROVAL.runbook: expected a link or anchor such as "
            + "docs/runbooks.md#stale-approval, got nothing (line 6)",
        "policy.yaml: alerts.DENIED_ATTEMPTS: expected a mapping with severity, actions and/or runbook, got 'notify' (line 7)");
  }

  @Test
  void invalidAccountIdsAndNestedOverridesAreReported() {
    assertThat(problemsOf("""
        accounts:
          "12345": { rotationDeadline: 4h }
          prod: { rotationDeadline: 4h }
          "123456789012":
            tenants:
              payments: { skew: 1m }
          "210987654321": 4h
        tenants:
          "": { skew: 1m }
          payments:
            accounts: {}
            skw: 1m
        """)).containsExactly(
        "policy.yaml: accounts.12345: expected a 12-digit AWS account id (quoted, e.g. \"123456789012\"), got '12345' (line 2)",
        "policy.yaml: accounts.prod: expected a 12-digit AWS account id (quoted, e.g. \"123456789012\"), got 'prod' (line 3)",
        "policy.yaml: accounts.123456789012.tenants: an override cannot contain further overrides (accounts and "
            + "tenants belong at the top level of the file) (line 5)",
        "policy.yaml: accounts.210987654321: expected a mapping of policy keys to override, such as "
            + "{ rotationDeadline: 4h }, got '4h' (line 7)",
        "policy.yaml: tenants.: expected a non-blank tenant name (line 9)",
        "policy.yaml: tenants.payments.accounts: an override cannot contain further overrides (accounts and "
            + "tenants belong at the top level of the file) (line 11)",
        "policy.yaml: tenants.payments.skw: unknown key, did you mean skew? (line 12)");
  }

  @Test
  void overrideSectionsMustBeMappings() {
    assertThat(problemsOf("accounts: [123456789012]\ntenants: payments\n")).containsExactly(
        "policy.yaml: accounts: expected a mapping of 12-digit AWS account id to policy keys, got a list (line 1)",
        "policy.yaml: tenants: expected a mapping of tenant name to policy keys, got 'payments' (line 2)");
  }

  @Test
  void policyCrossFieldChecksAreReportedWithFileAndLine() {
    assertThat(problemsOf("""
        skew: PT-1M
        rotationDeadline: 7d
        minApproverAcr: loa9
        repeatThreshold: 0
        """)).containsExactly(
        "policy.yaml: skew: expected a duration >= 0, got PT-1M (line 1)",
        "policy.yaml: minApproverAcr: expected one of [loa1, loa2, loa3, loa4], got loa9 (line 3)",
        "policy.yaml: repeatThreshold: expected a positive count, got 0 (line 4)",
        "policy.yaml: stateRetention: must exceed rotationDeadline + decisionDelay, got PT168H");
  }

  @Test
  void crossFieldChecksOfAnOverrideNameTheOverride() {
    assertThat(problemsOf("""
        accounts:
          "123456789012":
            rotationDeadline: 30d
        tenants:
          payments:
            minApproverAcr: loa9
        """)).containsExactly(
        "policy.yaml: accounts.123456789012.stateRetention: must exceed rotationDeadline + decisionDelay, got PT168H (line 2)",
        "policy.yaml: tenants.payments.minApproverAcr: expected one of [loa1, loa2, loa3, loa4], got loa9 (line 6)");
  }

  @Test
  void aBaseProblemIsNotRepeatedForEveryOverride() {
    assertThat(problemsOf("""
        deniedThreshold: 0
        accounts:
          "123456789012": { rotationDeadline: 4h }
        tenants:
          payments: { deniedThreshold: -1 }
        """)).containsExactly(
        "policy.yaml: deniedThreshold: expected a positive count, got 0 (line 1)",
        "policy.yaml: tenants.payments.deniedThreshold: expected a positive count, got -1 (line 5)");
  }

  @Test
  void acrNamesMustBeLowerCaseAndUnique() {
    assertThat(problemsOf("minApproverAcr: LOA2\nacrOrder: [loa1, LOA2, loa1]\n")).containsExactly(
        "policy.yaml: minApproverAcr: expected lower case (approverAcr is compared in lower case), got 'LOA2' (line 1)",
        "policy.yaml: acrOrder[1]: expected lower case (approverAcr is compared in lower case), got 'LOA2' (line 2)",
        "policy.yaml: acrOrder[2]: 'loa1' is listed twice (the order must be unambiguous) (line 2)");
  }

  @Test
  void duplicateKeysAreReported() {
    assertThat(problemsOf("skew: 1m\ndecisionDelay: 5m\nskew: 3m\n"))
        .containsExactly("policy.yaml: skew: duplicate key (the first is on line 1) (line 3)");
  }

  @Test
  void aSecondDocumentIsReportedNotIgnored() {
    assertThat(problemsOf("skew: 1m\n---\nskew: 3m\n")).singleElement().asString()
        .startsWith("policy.yaml: expected one YAML document, found a second one").endsWith("(line 3)");
  }

  @Test
  void everyProblemIsReportedAtOnceInLineOrder() {
    List<String> problems = problemsOf("""
        skew: soon
        colour: blue
        alerts:
          TOKEN_REUSE: { severity: urgent }
        accounts:
          "1": { skew: 1m }
        repeatThreshold: 0
        """);

    assertThat(problems).hasSize(5);
    assertThat(problems).extracting(s -> s.replaceAll(".*\\(line (\\d+)\\)$", "$1"))
        .containsExactly("1", "2", "4", "6", "7");
  }

  @Test
  void malformedYamlNamesTheLine() {
    assertThat(problemsOf("skew: 2m\nalerts: {TOKEN_REUSE: [\n")).singleElement().asString()
        .startsWith("policy.yaml: not valid YAML: ");
    assertThat(problemsOf("skew: 2m\n  decisionDelay: 5m\n")).singleElement().asString()
        .startsWith("policy.yaml: not valid YAML: ").endsWith("(line 2)");
  }

  @Test
  void topLevelMustBeAMapping() {
    assertThat(problemsOf("- skew: 2m\n")).containsExactly(
        "policy.yaml: expected a mapping of policy keys at the top level, got a list");
  }

  @Test
  void missingFileIsReportedWithItsPath(@TempDir Path dir) {
    Path f = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> PolicyFile.load(f)).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.problems()).containsExactly(f + ": cannot read the policy file: no such file"));
  }

  @Test
  void nearestKeyIgnoresCaseAndSeparatorsAndRefusesFarGuesses() {
    assertThat(PolicyFile.nearest("MAX-GRANT-DURATION", PolicyFile.KEYS)).isEqualTo("maxGrantDuration");
    assertThat(PolicyFile.nearest("denyThreshold", PolicyFile.KEYS)).isEqualTo("deniedThreshold");
    assertThat(PolicyFile.nearest("xyz", PolicyFile.KEYS)).isNull();
  }

  @Test
  void durationFormsUsedInMessages() {
    assertThat(PolicyFile.shortForm(Duration.ofDays(30))).isEqualTo("30d");
    assertThat(PolicyFile.isoForm(Duration.ofDays(30))).isEqualTo("P30D");
    assertThat(PolicyFile.shortForm(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(PolicyFile.shortForm(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(PolicyFile.isoForm(Duration.ofSeconds(90))).isEqualTo("PT1M30S");
    assertThat(PolicyFile.shortForm(Duration.ofDays(1))).isEqualTo("24h");
    assertThat(PolicyFile.isoForm(Duration.ofDays(1))).isEqualTo("PT24H");
    assertThat(PolicyFile.shortForm(Duration.ZERO)).isEqualTo("0s");
  }
}
