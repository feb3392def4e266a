package io.glasswatch.stack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Apicurio Registry 3.3.3 ({@code io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all}, a Quarkus
 * application) on 127.0.0.1:port, management interface on 127.0.0.1:port+1, 512 MiB heap. Storage
 * is the default in-memory database: schemas are lost when the registry stops, and Glasswatch's
 * services register their schemas again at start (serde auto-registration). Artifact, version and
 * group deletion are enabled so tests can clean up. Ready when
 * {@code GET /apis/registry/v3/system/info} answers 200. Configuration reference:
 * https://www.apicur.io/registry/docs/apicurio-registry/3.0.x/getting-started/assembly-config-reference.html
 */
final class RegistryServer implements Server {

  @Override
  public Component component() {
    return Component.REGISTRY;
  }

  @Override
  public List<Port> extraPorts(StackSettings settings) {
    return List.of(new Port(settings.port(Component.REGISTRY) + 1, "registry management"));
  }

  @Override
  public Duration startTimeout() {
    return Duration.ofSeconds(180);
  }

  /** The command line for {@code quarkusRunJar} on {@code port}. */
  static List<String> command(String java, Path quarkusRunJar, int port) {
    return List.of(java, "-Xms64m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError",
        "-Dquarkus.http.host=127.0.0.1",
        "-Dquarkus.http.port=" + port,
        "-Dquarkus.management.host=127.0.0.1",
        "-Dquarkus.management.port=" + (port + 1),
        "-Dapicurio.rest.deletion.artifact.enabled=true",
        "-Dapicurio.rest.deletion.artifact-version.enabled=true",
        "-Dapicurio.rest.deletion.group.enabled=true",
        "-jar", quarkusRunJar.toString());
  }

  @Override
  public ProcessBuilder prepare(StackLayout layout, StackSettings settings, Credentials credentials)
      throws IOException {
    String version = Distributions.registryVersion();
    Path archive = Distributions.artifact(settings.mavenRepositories(), "io.apicurio", "apicurio-registry-app", version, "all", "tar.gz");
    Path home = Distributions.unpack(archive, layout.distDir(), "apicurio-registry-" + version);
    Path jar = findQuarkusRunJar(home);
    Path dir = layout.dir(Component.REGISTRY);
    Files.createDirectories(dir);
    return new ProcessBuilder(command(JavaRuntimes.javaExecutable(), jar, settings.port(Component.REGISTRY)))
        .directory(dir.toFile());
  }

  private static Path findQuarkusRunJar(Path home) throws IOException {
    try (Stream<Path> s = Files.find(home, 3, (p, a) -> p.getFileName().toString().equals("quarkus-run.jar"))) {
      return s.findFirst().orElseThrow(() -> new StackException(
          "registry: no quarkus-run.jar under " + home + "; delete that directory to unpack the distribution again"));
    }
  }

  @Override
  public boolean ready(StackSettings settings, Credentials credentials) {
    URI info = URI.create("http://127.0.0.1:" + settings.port(Component.REGISTRY) + "/apis/registry/v3/system/info");
    return Probes.httpStatus(info, null, null, Duration.ofSeconds(2)) == 200;
  }
}
