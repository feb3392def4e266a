package io.glasswatch.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RegistryServerTest {

  @Test
  void bindsHttpAndManagementToLoopback() {
    assertThat(RegistryServer.command("java", Path.of("/d/quarkus-run.jar"), 18081))
        .startsWith("java")
        .contains("-Xmx512m", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=18081",
            "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=18082")
        .endsWith("-jar", "/d/quarkus-run.jar");
  }

  @Test
  void managementPortIsCheckedBeforeLaunch() {
    StackSettings s = StackSettings.from(GlasswatchSettings.builder().set(GlasswatchSettings.STACK_REGISTRY_PORT, "28081").build());
    assertThat(new RegistryServer().extraPorts(s)).containsExactly(new Server.Port(28082, "registry management"));
    assertThat(new ElasticsearchServer().extraPorts(s).get(0).port()).isEqualTo(19300);
    assertThat(new KafkaServer().extraPorts(s).get(0).port()).isEqualTo(19093);
  }
}
