package io.glasswatch.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.GlasswatchSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {

  @Test
  void generatesDistinctRandomPasswordsForDefaultUsers() {
    Credentials c = Credentials.generate(StackSettings.from(GlasswatchSettings.builder().build()).users());

    assertThat(c.adminUser()).isEqualTo("glasswatch_admin");
    assertThat(c.sinkUser()).isEqualTo("glasswatch_sink");
    assertThat(c.readerUser()).isEqualTo("glasswatch_reader");
    assertThat(c.adminPassword()).matches("[A-Za-z0-9_-]{32}");
    assertThat(c.sinkPassword()).matches("[A-Za-z0-9_-]{32}").isNotEqualTo(c.adminPassword());
    assertThat(c.readerPassword()).matches("[A-Za-z0-9_-]{32}").isNotEqualTo(c.sinkPassword());
  }

  @Test
  void keepsUsersAndPasswordsGivenInSettings() {
    GlasswatchSettings s = GlasswatchSettings.builder()
        .set(GlasswatchSettings.ES_SINK_USER, "writer")
        .set(GlasswatchSettings.ES_SINK_PASSWORD, "given-password")
        .build();

    Credentials c = Credentials.generate(StackSettings.from(s).users());

    assertThat(c.sinkUser()).isEqualTo("writer");
    assertThat(c.sinkPassword()).isEqualTo("given-password");
  }

  @Test
  void fileIsOwnerOnlyAndRoundTrips(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("stack/credentials.properties");
    Credentials c = Credentials.generate(StackSettings.from(GlasswatchSettings.builder().build()).users());

    c.write(f);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    assertThat(Credentials.read(f)).isEqualTo(c);
    assertThat(Files.readString(f)).contains("elasticsearch.sink.password=", "elasticsearch.reader.username=");
  }

  @Test
  void incompleteFileIsAnErrorNamingFileAndKey(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("credentials.properties"), "elasticsearch.admin.username=a\n");

    assertThatThrownBy(() -> Credentials.read(f)).isInstanceOf(StackException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("elasticsearch.admin.password");
    assertThat(Credentials.read(dir.resolve("absent"))).isNull();
  }

  @Test
  void toStringMasksPasswords() {
    Credentials c = new Credentials("a", "pw-a", "s", "pw-s", "r", "pw-r");
    assertThat(c.toString()).doesNotContain("pw-a", "pw-s", "pw-r").contains("****");
  }
}
