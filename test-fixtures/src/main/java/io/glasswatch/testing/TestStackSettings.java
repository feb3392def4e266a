package io.glasswatch.testing;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.stack.StackSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The test stack's settings ({@link TestStack}), read once from system properties and the environment
 * and validated together: every problem is reported at once in one {@link IllegalStateException}, each
 * naming the property and the expected form (a typo must not send a build to the default ports, where
 * another build's stack may run). {@link TestStack} reads no property itself.
 *
 * <p>Defaults: stack directory {@code <repository root>/.glasswatch/test-stack} (the repository root is
 * the nearest ancestor of the working directory holding {@code .git} or the Glasswatch parent pom; under
 * {@code java.io.tmpdir} when there is none or, running as root, when an ancestor is not enterable by
 * other users, since Elasticsearch then runs as an unprivileged user and must reach its directory);
 * ports 29092, 28081, 29200 and 25000; servers stopped at JVM exit.
 *
 * @param directory {@value #DIR_PROPERTY}: the test stack directory, absolute
 * @param kafkaPort {@value #KAFKA_PORT_PROPERTY}: Kafka (the controller uses port + 1)
 * @param registryPort {@value #REGISTRY_PORT_PROPERTY}: Apicurio Registry (management uses port + 1)
 * @param elasticsearchPort {@value #ES_PORT_PROPERTY}: Elasticsearch HTTP (transport uses port + 100)
 * @param motoPort {@value #MOTO_PORT_PROPERTY}: moto
 * @param keep {@value #KEEP_PROPERTY} or environment variable {@value #KEEP_ENV}: {@code true} leaves the
 *     servers running at JVM exit
 */
public record TestStackSettings(Path directory, int kafkaPort, int registryPort, int elasticsearchPort, int motoPort,
    boolean keep) {
  /** System property: the test stack directory. */
  public static final String DIR_PROPERTY = "glasswatch.test.stack.dir";
  /** System property: Kafka port (default 29092; the controller uses port + 1). */
  public static final String KAFKA_PORT_PROPERTY = "glasswatch.test.kafka.port";
  /** System property: Apicurio Registry port (default 28081; management uses port + 1). */
  public static final String REGISTRY_PORT_PROPERTY = "glasswatch.test.registry.port";
  /** System property: Elasticsearch HTTP port (default 29200; transport uses port + 100). */
  public static final String ES_PORT_PROPERTY = "glasswatch.test.elasticsearch.port";
  /** System property: moto port (default 25000). */
  public static final String MOTO_PORT_PROPERTY = "glasswatch.test.moto.port";
  /** System property: {@code true} leaves the servers running at JVM exit. */
  public static final String KEEP_PROPERTY = "glasswatch.test.stack.keep";
  /** Environment variable with the meaning of {@link #KEEP_PROPERTY} (handy in CI scripts). */
  public static final String KEEP_ENV = "GLASSWATCH_TEST_STACK_KEEP";

  /** Makes the directory absolute. */
  public TestStackSettings {
    directory = directory.toAbsolutePath().normalize();
  }

  /**
   * This JVM's settings: its system properties and environment.
   *
   * @return the settings
   * @throws IllegalStateException listing every property set to an invalid value
   */
  public static TestStackSettings fromSystem() {
    return from(System.getProperties(), System.getenv());
  }

  /**
   * The settings in {@code systemProperties} (the keys above, and {@code user.dir}, {@code java.io.tmpdir}
   * and {@code user.name} for the default directory) and {@code environment} ({@value #KEEP_ENV}).
   *
   * @param systemProperties the system properties
   * @param environment the environment variables
   * @return the settings
   * @throws IllegalStateException listing every property set to an invalid value, sorted
   */
  public static TestStackSettings from(Properties systemProperties, Map<String, String> environment) {
    List<String> problems = new ArrayList<>();
    int kafka = port(systemProperties, KAFKA_PORT_PROPERTY, 29092, problems);
    int registry = port(systemProperties, REGISTRY_PORT_PROPERTY, 28081, problems);
    int es = port(systemProperties, ES_PORT_PROPERTY, 29200, problems);
    int moto = port(systemProperties, MOTO_PORT_PROPERTY, 25000, problems);
    boolean keep = flag(KEEP_PROPERTY, systemProperties.getProperty(KEEP_PROPERTY), problems)
        | flag(KEEP_ENV + " (environment)", environment.get(KEEP_ENV), problems);
    Path dir = null;
    String dirText = systemProperties.getProperty(DIR_PROPERTY);
    if (dirText != null) {
      try {
        dir = dirText.isBlank() ? null : Path.of(dirText.strip());
      } catch (InvalidPathException e) {
        dir = null;
      }
      if (dir == null) {
        problems.add(DIR_PROPERTY + ": expected a directory, got '" + dirText + "'");
      }
    }
    if (!problems.isEmpty()) {
      problems.sort(String::compareTo);
      throw new IllegalStateException(String.join("; ", problems));
    }
    if (dir == null) {
      dir = defaultDirectory(Path.of(systemProperties.getProperty("user.dir", ".")),
          Path.of(systemProperties.getProperty("java.io.tmpdir", "/tmp")), isRoot(systemProperties));
    }
    return new TestStackSettings(dir, kafka, registry, es, moto, keep);
  }

  /**
   * The settings describing the test stack, before anything is started: {@code stack.dir}, the
   * {@code stack.*.port} keys, {@code kafka.bootstrap.servers}, {@code registry.url},
   * {@code elasticsearch.url} at those ports, and {@code streams.state.dir} next to the stack directory.
   *
   * @return validated settings
   */
  public GlasswatchSettings glasswatchSettings() {
    return StackSettings.localOnPorts(directory, kafkaPort, registryPort, elasticsearchPort, motoPort)
        .set(GlasswatchSettings.ES_URL, "http://127.0.0.1:" + elasticsearchPort)
        .set(GlasswatchSettings.STREAMS_STATE_DIR, directory.resolveSibling("test-streams-state").toString())
        .build();
  }

  /** The port property {@code property}, or {@code fallback} when it is not set. */
  static int port(Properties p, String property, int fallback, List<String> problems) {
    String v = p.getProperty(property);
    if (v == null) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(v.strip());
      if (port >= 1 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(property + ": expected a TCP port 1-65535, got '" + v + "'");
    return fallback;
  }

  private static boolean flag(String name, String value, List<String> problems) {
    if (value == null || value.isBlank()) {
      return false;
    }
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      problems.add(name + ": expected true or false, got '" + value + "'");
    }
    return v.equals("true");
  }

  /**
   * {@code <repository root>/.glasswatch/test-stack}, or {@code <tmpdir>/glasswatch-test-stack-<hash>}
   * when no repository root is found above {@code workingDirectory} or, {@code asRoot}, when an ancestor
   * of the root is not enterable by other users.
   */
  static Path defaultDirectory(Path workingDirectory, Path tmpdir, boolean asRoot) {
    Path start = workingDirectory.toAbsolutePath();
    Path root = repositoryRoot(start);
    if (root != null) {
      Path dir = root.resolve(".glasswatch").resolve("test-stack");
      if (!asRoot || othersCanEnter(root)) {
        return dir;
      }
    }
    String key = sha256(root == null ? start.toString() : root.toString()).substring(0, 10);
    return tmpdir.resolve("glasswatch-test-stack-" + key);
  }

  /** The nearest ancestor of {@code start} (inclusive) with {@code .git}, else the topmost with the parent pom. */
  static Path repositoryRoot(Path start) {
    Path pomRoot = null;
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve(".git"))) {
        return p;
      }
      if (isGlasswatchParentPom(p.resolve("pom.xml"))) {
        pomRoot = p;
      }
    }
    return pomRoot;
  }

  private static boolean isGlasswatchParentPom(Path pom) {
    try {
      return Files.isRegularFile(pom)
          && Files.readString(pom, StandardCharsets.UTF_8).contains("<artifactId>glasswatch-parent</artifactId>");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean othersCanEnter(Path dir) {
    try {
      for (Path p = dir; p != null; p = p.getParent()) {
        if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          return false;
        }
      }
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static boolean isRoot(Properties systemProperties) {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | RuntimeException e) {
      return "root".equals(systemProperties.getProperty("user.name"));
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
