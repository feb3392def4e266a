package io.glasswatch.stack;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Finds the JDK the servers run on: the one running this JVM when it is Java 21 or newer, else the
 * newest 21+ JDK under {@code /usr/lib/jvm} (version read from its {@code release} file).
 */
final class JavaRuntimes {
  /** Oldest Java feature release all servers run on (Apicurio Registry 3.3.3 needs 21). */
  static final int MINIMUM = 21;

  private JavaRuntimes() {}

  /**
   * The JDK home for the servers.
   *
   * @throws StackException when neither this JVM nor any JDK under /usr/lib/jvm is 21+
   */
  static Path javaHome() {
    if (Runtime.version().feature() >= MINIMUM) {
      return Path.of(System.getProperty("java.home"));
    }
    return newest(Path.of("/usr/lib/jvm")).orElseThrow(() -> new StackException(
        "no Java " + MINIMUM + "+ found: this JVM is " + Runtime.version() + " and /usr/lib/jvm has none; "
            + "install a JDK " + MINIMUM + "+ or run with JAVA_HOME pointing at one"));
  }

  /** The {@code bin/java} of {@link #javaHome()}. */
  static String javaExecutable() {
    return javaHome().resolve("bin").resolve("java").toString();
  }

  /** The newest JDK 21+ directly under {@code dir}. */
  static Optional<Path> newest(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> homes = s.filter(p -> Files.isExecutable(p.resolve("bin/java"))).toList();
      return homes.stream()
          .filter(h -> feature(h) >= MINIMUM)
          .max(Comparator.comparingInt(JavaRuntimes::feature).thenComparing(Path::toString));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Feature release of the JDK at {@code home} from {@code release} ({@code JAVA_VERSION="21.0.5"}), or 0. */
  static int feature(Path home) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(home.resolve("release"))) {
      p.load(r);
    } catch (IOException e) {
      return 0;
    }
    return parseFeature(p.getProperty("JAVA_VERSION", ""));
  }

  /** {@code "21.0.5"} or {@code "\"25\""} to 21 or 25; {@code "1.8.0_412"} to 8; unparseable to 0. */
  static int parseFeature(String version) {
    String v = version.replace("\"", "").trim();
    if (v.startsWith("1.")) {
      v = v.substring(2);
    }
    int end = 0;
    while (end < v.length() && Character.isDigit(v.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
  }
}
