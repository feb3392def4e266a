package io.glasswatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.alerts.enforcement.RevokeService;
import io.glasswatch.alerts.oncall.OnCallDispatcher;
import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import org.junit.jupiter.api.Test;

/** {@link AlertsSettings}: one validated record for the alerts module, topics included. */
class AlertsSettingsTest {
  @Test
  void withoutATopicPrefixTheServicesUseTheCatalogueTopicsAndTheirOwnGroups() {
    AlertsSettings a = AlertsSettings.from(GlasswatchSettings.builder().build());

    assertThat(a.dispatcherOptions()).isEqualTo(OnCallDispatcher.Options.defaults());
    assertThat(a.revokeOptions()).isEqualTo(RevokeService.Options.defaults());
  }

  @Test
  void theTopicPrefixNamesEveryTopicAndGroupOfTheDispatcherAndTheRevokeExecutor() {
    AlertsSettings a = AlertsSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.TOPIC_PREFIX, "it-a-").set(GlasswatchSettings.REVOKE_PARALLELISM, "3").build());

    OnCallDispatcher.Options d = a.dispatcherOptions();
    assertThat(java.util.List.of(d.alertsTopic(), d.resolutionsTopic(), d.revokeResultsTopic(), d.deliveriesTopic(),
        d.deadLetterTopic(), d.eventsTopic(), d.groupId()))
        .containsExactly("it-a-alerts", "it-a-alert-resolutions", "it-a-revoke-results", "it-a-alert-deliveries",
            "it-a-dead-letter", "it-a-alert-delivery-events", "it-a-glasswatch-alerts");
    RevokeService.Options r = a.revokeOptions();
    assertThat(java.util.List.of(r.commandsTopic(), r.resultsTopic(), r.deadLetterTopic(), r.groupId(), r.alertsTopic(),
        r.resolutionsTopic()))
        .containsExactly("it-a-revoke-commands", "it-a-revoke-results", "it-a-dead-letter", "it-a-glasswatch-revoker",
            "it-a-alerts", "it-a-alert-resolutions");
    assertThat(r.parallelism()).isEqualTo(3);
  }

  @Test
  void aSecretNeverShowsInTheSettingsText() {
    AlertsSettings a = AlertsSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.WEBHOOK_URL, "https://hooks.example.com/x")
        .set(GlasswatchSettings.WEBHOOK_SECRET, "s3cr3t-webhook-key").build());

    assertThat(a.toString()).doesNotContain("s3cr3t-webhook-key");
  }

  @Test
  void anInvalidRevokeKeyIsReportedWithItsName() {
    assertThatThrownBy(() -> AlertsSettings.from(GlasswatchSettings.builder()
        .set(GlasswatchSettings.REVOKE_PARALLELISM, "0").build()))
        .isInstanceOf(ConfigException.class).hasMessageContaining(GlasswatchSettings.REVOKE_PARALLELISM);
  }
}
