package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.alerts.testing.LogCapture;
import io.glasswatch.alerts.testing.SsoAdminWireServer;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.RevokeResult;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AWS credentials are used to sign requests and appear nowhere else: not in logs, results or errors. */
class SsoAdminCredentialsTest {
  private static final String ACCESS_KEY = "AKIAGLASSWATCHTEST01";
  private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYGLASSWATCH";
  private SsoAdminWireServer server;

  @BeforeEach
  void start() throws Exception {
    server = new SsoAdminWireServer();
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
  }

  @AfterEach
  void stop() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    server.close();
  }

  @Test
  void signsWithConfiguredCredentialsButNeverLogsOrRecordsThem() {
    server.error("DeleteAccountAssignment", 403, "AccessDeniedException", "not authorized");
    GlasswatchSettings settings = GlasswatchSettings.builder()
        .set(GlasswatchSettings.SSO_ENDPOINT, server.endpoint().toString()).build();
    RevokeResult result;
    String text;
    try (LogCapture logs = new LogCapture();
        SsoAdminRevoker revoker = new SsoAdminRevoker(SsoAdminClients.create(settings, SsoAdminClients.Tuning.fast()),
            SsoAdminRevoker.Options.defaults().withDeadline(Duration.ofSeconds(5)), Clock.systemUTC())) {
      result = revoker.revoke(SsoAdminRevokerWireTest.command("cmd-cred", SsoAdminRevokerWireTest.sampleAssignment(), null));
      text = logs.text() + "\n" + revoker;
    }
    // the configured key signed the requests ...
    assertThat(server.calls().getFirst().headers().get("Authorization").getFirst()).contains("Credential=" + ACCESS_KEY + "/");
    assertThat(result.getOutcome()).isEqualTo("FAILED");
    // ... and is nowhere else
    assertThat(text).contains("cmd-cred").doesNotContain(ACCESS_KEY).doesNotContain(SECRET_KEY);
    assertThat(result.toString()).doesNotContain(ACCESS_KEY).doesNotContain(SECRET_KEY);
  }
}
