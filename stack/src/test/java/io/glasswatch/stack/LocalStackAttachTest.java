package io.glasswatch.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalStack#attach}: a command pointed at the local stack uses its moto, nothing else changes. */
class LocalStackAttachTest {
  @TempDir Path dir;

  private ServerSocket moto;
  private int kafkaPort;

  @BeforeEach
  void motoPort() throws IOException {
    moto = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      kafkaPort = s.getLocalPort();
    }
  }

  @AfterEach
  void closeMoto() throws IOException {
    moto.close();
  }

  private GlasswatchSettings.Builder settings() {
    return GlasswatchSettings.builder()
        .set(GlasswatchSettings.STACK_DIR, dir.resolve("stack").toString())
        .set(GlasswatchSettings.STACK_KAFKA_PORT, Integer.toString(kafkaPort))
        .set(GlasswatchSettings.STACK_MOTO_PORT, Integer.toString(moto.getLocalPort()))
        .set(GlasswatchSettings.KAFKA_BOOTSTRAP, "127.0.0.1:" + kafkaPort);
  }

  /** Records this JVM as the stack's moto process, as {@code stack up} records the one it starts. */
  private void motoStartedByTheStack() throws IOException {
    PidFile.of(ProcessHandle.current()).write(new StackLayout(dir.resolve("stack")).pidFile(Component.MOTO));
  }

  @Test
  void aCommandPointedAtTheStackUsesItsMotoForIamIdentityCenter() throws IOException {
    motoStartedByTheStack();

    GlasswatchSettings attached = LocalStack.attach(settings().build());

    assertThat(attached.get(GlasswatchSettings.SSO_ENDPOINT)).isEqualTo("http://127.0.0.1:" + moto.getLocalPort());
    assertThat(attached.getBoolean(GlasswatchSettings.REVOKE_DRY_RUN)).isFalse();
  }

  @Test
  void localhostNamesTheStackToo() throws IOException {
    motoStartedByTheStack();

    GlasswatchSettings attached = LocalStack.attach(
        settings().set(GlasswatchSettings.KAFKA_BOOTSTRAP, "localhost:" + kafkaPort).build());

    assertThat(attached.get(GlasswatchSettings.SSO_ENDPOINT)).isEqualTo("http://127.0.0.1:" + moto.getLocalPort());
  }

  @Test
  void aCommandPointedAtAnotherKafkaIsUnchanged() throws IOException {
    motoStartedByTheStack();
    GlasswatchSettings real = settings().set(GlasswatchSettings.KAFKA_BOOTSTRAP, "kafka.internal:9092").build();

    assertThat(LocalStack.attach(real)).isSameAs(real);
  }

  @Test
  void aConfiguredEndpointWins() throws IOException {
    motoStartedByTheStack();
    GlasswatchSettings configured = settings().set(GlasswatchSettings.SSO_ENDPOINT, "https://sso.example.test").build();

    assertThat(LocalStack.attach(configured).get(GlasswatchSettings.SSO_ENDPOINT)).isEqualTo("https://sso.example.test");
  }

  @Test
  void aPortTheStackDidNotOpenIsNotTakenForItsMoto() {
    GlasswatchSettings s = settings().build();

    assertThat(LocalStack.attach(s)).as("no pid file: a foreign process answers").isSameAs(s);
  }

  @Test
  void aMotoThatStoppedAnsweringIsNotUsed() throws IOException {
    motoStartedByTheStack();
    moto.close();
    GlasswatchSettings s = settings().build();

    assertThat(LocalStack.attach(s)).isSameAs(s);
  }
}
