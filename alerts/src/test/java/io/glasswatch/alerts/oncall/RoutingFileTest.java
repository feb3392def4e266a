package io.glasswatch.alerts.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Routing rules from the policy file: first match, default route, quiet hours, validation. */
class RoutingFileTest {
  private static final List<String> ALL = List.of("console", "webhook", "pagerduty", "slack", "mattermost", "email");
  private static final String YAML = """
      routing:
        default: [slack]
        enforcement: [slack, mattermost]
        fallback: email
        giveUpAfter: 2m
        storm: { threshold: 5, window: 1m, digestInterval: 30s }
        routes:
          - name: prod-critical
            match: { severities: [critical], accounts: ["111111111111"] }
            channels: [pagerduty, slack]
          - name: tenant-acme
            match: { tenants: [acme] }
            channels: [mattermost]
            quietHours: { from: "22:00", to: "07:00", zone: UTC, channels: [email] }
      """;

  @Test
  void firstMatchingRouteWinsElseTheDefault() {
    Routing r = RoutingFile.parse(YAML, ALL);
    Instant noon = Instant.parse("2024-05-01T12:00:00Z");
    assertThat(r.channelsFor("UNAUTHORIZED_ROOT_USE", "critical", "111111111111", "acme", noon)).containsExactly("pagerduty", "slack");
    assertThat(r.channelsFor("TOKEN_REUSE", "high", "111111111111", "acme", noon)).containsExactly("mattermost");
    assertThat(r.channelsFor("TOKEN_REUSE", "high", "222222222222", null, noon)).containsExactly("slack");
    assertThat(r.fallback()).isEqualTo("email");
    assertThat(r.giveUpAfter()).isEqualTo(Duration.ofMinutes(2));
    assertThat(r.storm()).isEqualTo(new Routing.Storm(5, Duration.ofMinutes(1), Duration.ofSeconds(30)));
  }

  @Test
  void quietHoursNeverApplyToCriticalAlerts() {
    Routing r = RoutingFile.parse(YAML, ALL);
    Instant night = Instant.parse("2024-05-01T23:30:00Z");
    assertThat(r.channelsFor("TOKEN_REUSE", "high", "222222222222", "acme", night)).containsExactly("email");
    assertThat(r.channelsFor("UNAUTHORIZED_ROOT_USE", "critical", "222222222222", "acme", night)).containsExactly("mattermost");
    assertThat(r.channelsFor("TOKEN_REUSE", "high", "222222222222", "acme", Instant.parse("2024-05-01T07:00:00Z")))
        .containsExactly("mattermost");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> RoutingFile.parse("""
        routing:
          default: [pager]
          giveUpAfter: soon
          routes:
            - match: { severities: [urgent], accounts: ["12"] }
              channels: []
              quietHours: { from: "25:00", to: "07:00", zone: Mars/Base }
          colour: red
        """, ALL)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
        .contains("routing.default: expected a channel name").contains("routing.giveUpAfter: expected a positive duration")
        .contains("severities: expected critical, high, medium or low").contains("accounts: expected a 12-digit")
        .contains("routes[0].channels: expected one or more").contains("quietHours.from: expected a time HH:mm")
        .contains("quietHours.zone").contains("routing.colour: unknown key"));
  }

  @Test
  void theShippedPolicyFileHasAValidRoutingSection() {
    Routing r = RoutingFile.load(Path.of("..", "config", "policy.yaml"), List.of("console"));
    assertThat(r.referencedChannels()).isNotEmpty();
    assertThat(RoutingFile.parse("skew: 2m\n", List.of("console"))).isEqualTo(Routing.everything(List.of("console")));
  }
}
