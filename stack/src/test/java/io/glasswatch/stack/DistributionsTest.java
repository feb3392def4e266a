package io.glasswatch.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistributionsTest {
  private static final java.util.List<Path> REPOSITORIES =
      Distributions.localRepositories(System.getProperty("maven.repo.local", ""), System.getProperty("user.home"));


  @Test
  void unpacksZipOnceAndMakesBinExecutable(@TempDir Path dir) throws Exception {
    Path zip = zip(dir.resolve("es.zip"), "es-1/bin/elasticsearch", "es-1/config/jvm.options");

    Path home = Distributions.unpack(zip, dir.resolve("dist"), "es-1");

    assertThat(home).isEqualTo(dir.resolve("dist/es-1/es-1"));
    assertThat(Files.isExecutable(home.resolve("bin/elasticsearch"))).isTrue();
    assertThat(Files.isExecutable(home.resolve("config/jvm.options"))).isFalse();
    Files.delete(zip);
    assertThat(Distributions.unpack(zip, dir.resolve("dist"), "es-1")).as("not unpacked again").isEqualTo(home);
  }

  @Test
  void archiveWithSeveralTopLevelEntriesUnpacksIntoItsOwnDirectory(@TempDir Path dir) throws Exception {
    Path zip = zip(dir.resolve("app.zip"), "quarkus-run.jar", "lib/a.jar");
    assertThat(Distributions.unpack(zip, dir.resolve("dist"), "app")).isEqualTo(dir.resolve("dist/app"));
  }

  @Test
  void refusesEntriesEscapingTheTarget(@TempDir Path dir) throws Exception {
    Path zip = zip(dir.resolve("evil.zip"), "../evil.txt");
    assertThatThrownBy(() -> Distributions.unpack(zip, dir.resolve("dist"), "evil"))
        .isInstanceOf(StackException.class).hasMessageContaining("outside the target");
    assertThat(dir.resolve("evil.txt")).doesNotExist();
    assertThat(dir.resolve("dist/evil")).doesNotExist();
  }

  @Test
  void missingArtifactNamesCoordinatesAndTheFix() {
    assertThatThrownBy(() -> Distributions.artifact(REPOSITORIES, "org.example", "nothing", "0.0.1", "all", "tar.gz"))
        .isInstanceOf(StackException.class)
        .hasMessageContaining("org.example:nothing:0.0.1:tar.gz:all")
        .hasMessageContaining("mvn -pl stack install");
  }

  @Test
  void serverDistributionsWereResolvedAtBuildTime() {
    assertThat(Distributions.artifact(REPOSITORIES, "io.apicurio", "apicurio-registry-app", Distributions.registryVersion(),
        "all", "tar.gz")).isRegularFile();
    assertThat(Distributions.artifact(REPOSITORIES, "org.elasticsearch.distribution.integ-test-zip", "elasticsearch",
        Distributions.elasticsearchVersion(), null, "zip")).isRegularFile();
    assertThat(Distributions.elasticsearchVersion()).isEqualTo("8.19.21");
    assertThat(Distributions.registryVersion()).isEqualTo("3.3.3");
  }

  private static Path zip(Path file, String... entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(out)) {
      for (String e : entries) {
        z.putNextEntry(new ZipEntry(e));
        z.write(("content of " + e).getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    return file;
  }
}
