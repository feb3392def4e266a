package io.glasswatch.stack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * moto ({@code moto_server -H 127.0.0.1 -p <port>}), an emulator of AWS APIs; Glasswatch uses its IAM
 * Identity Center (SSO Admin) endpoints for auto-revoke tests. Found on {@code PATH}; when absent the
 * component is UNAVAILABLE and revokes run as dry-run. Ready when it answers any HTTP request.
 * See https://docs.getmoto.org/en/latest/docs/server_mode.html
 */
final class MotoServer implements Server {
  private final Optional<Path> executable;

  MotoServer() {
    this(findOnPath("moto_server", System.getenv("PATH")));
  }

  MotoServer(Optional<Path> executable) {
    this.executable = executable;
  }

  /** The first executable {@code name} in the {@code PATH}-style list {@code path}. */
  static Optional<Path> findOnPath(String name, String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @Override
  public Component component() {
    return Component.MOTO;
  }

  @Override
  public String unavailableReason() {
    return executable.isPresent() ? null
        : "moto_server is not installed (pip install 'moto[server]'); revokes will run as dry-run";
  }

  @Override
  public Duration startTimeout() {
    return Duration.ofSeconds(60);
  }

  @Override
  public ProcessBuilder prepare(StackLayout layout, StackSettings settings, Credentials credentials)
      throws IOException {
    Path dir = layout.dir(Component.MOTO);
    Files.createDirectories(dir);
    Path exe = executable.orElseThrow(() -> new StackException("moto: " + unavailableReason()));
    ProcessBuilder pb = new ProcessBuilder(exe.toString(), "-H", "127.0.0.1", "-p",
        Integer.toString(settings.port(Component.MOTO))).directory(dir.toFile());
    pb.environment().put("PYTHONUNBUFFERED", "1");
    return pb;
  }

  @Override
  public boolean ready(StackSettings settings, Credentials credentials) {
    URI uri = URI.create("http://127.0.0.1:" + settings.port(Component.MOTO) + "/moto-api/");
    return Probes.httpStatus(uri, null, null, Duration.ofSeconds(2)) > 0;
  }
}
