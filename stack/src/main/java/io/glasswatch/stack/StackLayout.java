package io.glasswatch.stack;

import java.nio.file.Path;

/**
 * Where everything of one stack lives: {@code <stack dir>/<component>/} (configuration, data,
 * {@code server.pid}, {@code server.log}), {@code <stack dir>/dist/} (unpacked distributions) and
 * {@code <stack dir>/credentials.properties}.
 *
 * @param root the stack directory, absolute
 */
record StackLayout(Path root) {

  StackLayout {
    root = root.toAbsolutePath().normalize();
  }

  /** The directory of {@code c}, e.g. {@code <root>/kafka}. */
  Path dir(Component c) {
    return root.resolve(c.directoryName());
  }

  /** The pid file of {@code c}. */
  Path pidFile(Component c) {
    return dir(c).resolve("server.pid");
  }

  /** The file receiving {@code c}'s standard output and error (truncated at each start). */
  Path logFile(Component c) {
    return dir(c).resolve("server.log");
  }

  /** Unpacked server distributions, shared by starts. */
  Path distDir() {
    return root.resolve("dist");
  }

  /** The generated Elasticsearch credentials (mode 600). */
  Path credentialsFile() {
    return root.resolve(Credentials.FILE_NAME);
  }

  /** The inter-process lock taken while starting or stopping servers. */
  Path lockFile() {
    return root.resolve("stack.lock");
  }
}
