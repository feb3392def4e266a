package io.glasswatch.stack;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The local stack's settings, read from {@link GlasswatchSettings} once and validated together: every
 * problem is reported at once in one {@link ConfigException}, each naming the key and the expected form.
 * The stack's classes take this record and read no setting key or system property themselves.
 * Immutable; the Elasticsearch passwords are masked in {@link #toString()}.
 *
 * <p>Defaults are those of {@link GlasswatchSettings#DEFAULTS} (README, "Settings"): directory
 * {@code .glasswatch/stack}, ports 19092, 18081, 19200 and 15000, users {@code glasswatch_admin},
 * {@code glasswatch_sink} and {@code glasswatch_reader}, index prefix {@code glasswatch-timeline}.
 *
 * @param directory {@code stack.dir}: the stack directory, absolute (relative values are taken from the
 *     working directory)
 * @param kafkaPort {@code stack.kafka.port}: Kafka's listener; its KRaft controller listens on port + 1
 * @param registryPort {@code stack.registry.port}: Apicurio Registry; its management interface on port + 1
 * @param elasticsearchPort {@code stack.elasticsearch.port}: Elasticsearch HTTP; its transport on port + 100
 * @param motoPort {@code stack.moto.port}: moto (IAM Identity Center emulator)
 * @param timelineIndexPrefix {@code elasticsearch.timeline.index-prefix}: lower case; the sink role of
 *     the stack's Elasticsearch may write only {@code <prefix>-*}
 * @param users {@code elasticsearch.{admin,sink,reader}.{username,password}}: the users a new stack is
 *     given (passwords left empty are generated at first start)
 * @param mavenRepositories local Maven repositories searched for the server distributions, in order: the
 *     one the stack module was built with, system property {@code maven.repo.local},
 *     {@code <user.home>/.m2/repository}
 */
public record StackSettings(Path directory, int kafkaPort, int registryPort, int elasticsearchPort, int motoPort,
    String timelineIndexPrefix, Users users, List<Path> mavenRepositories) {

  /** Freezes the repository list and makes the directory absolute. */
  public StackSettings {
    directory = directory.toAbsolutePath().normalize();
    mavenRepositories = List.copyOf(mavenRepositories);
  }

  /**
   * The Elasticsearch users of a new local stack, as set (or defaulted) in the settings.
   *
   * @param adminUser {@code elasticsearch.admin.username}: superuser (index templates, queries)
   * @param adminPassword {@code elasticsearch.admin.password}: empty to generate one
   * @param sinkUser {@code elasticsearch.sink.username}: timeline writer (create_doc only)
   * @param sinkPassword {@code elasticsearch.sink.password}: empty to generate one
   * @param readerUser {@code elasticsearch.reader.username}: read-only investigator
   * @param readerPassword {@code elasticsearch.reader.password}: empty to generate one
   */
  public record Users(String adminUser, String adminPassword, String sinkUser, String sinkPassword,
      String readerUser, String readerPassword) {
    /** User names, passwords masked. */
    @Override
    public String toString() {
      return "Users{admin=" + adminUser + ", sink=" + sinkUser + ", reader=" + readerUser + ", passwords=****}";
    }
  }

  /**
   * Settings for a local stack in {@code directory} on the given ports, with the clients pointed at it:
   * the {@code stack.dir} and {@code stack.*.port} keys, {@code kafka.bootstrap.servers}
   * ({@code 127.0.0.1:<kafkaPort>}) and {@code registry.url}
   * ({@code http://127.0.0.1:<registryPort>/apis/registry/v3}); callers add what else they need
   * (for example {@code elasticsearch.url}).
   *
   * @param directory the stack directory
   * @param kafkaPort Kafka's listener port (its controller takes the next one)
   * @param registryPort Apicurio Registry's HTTP port
   * @param elasticsearchPort Elasticsearch's HTTP port
   * @param motoPort moto's port
   * @return a builder holding those keys; nothing is validated until it is built and read
   */
  public static GlasswatchSettings.Builder localOnPorts(Path directory, int kafkaPort, int registryPort,
      int elasticsearchPort, int motoPort) {
    return GlasswatchSettings.builder()
        .set(GlasswatchSettings.STACK_DIR, directory.toString())
        .set(GlasswatchSettings.STACK_KAFKA_PORT, Integer.toString(kafkaPort))
        .set(GlasswatchSettings.STACK_REGISTRY_PORT, Integer.toString(registryPort))
        .set(GlasswatchSettings.STACK_ES_PORT, Integer.toString(elasticsearchPort))
        .set(GlasswatchSettings.STACK_MOTO_PORT, Integer.toString(motoPort))
        .set(GlasswatchSettings.KAFKA_BOOTSTRAP, "127.0.0.1:" + kafkaPort)
        .set(GlasswatchSettings.REGISTRY_URL, "http://127.0.0.1:" + registryPort + "/apis/registry/v3");
  }

  /**
   * Reads and validates the {@code stack.*} keys and the Elasticsearch users and index prefix, with this
   * JVM's system properties for the Maven repositories.
   *
   * @param settings the settings
   * @return the stack settings
   * @throws ConfigException listing every invalid key with its expected form, sorted
   */
  public static StackSettings from(GlasswatchSettings settings) {
    return from(settings, System.getProperties());
  }

  /**
   * As {@link #from(GlasswatchSettings)}, with {@code systemProperties} in place of this JVM's
   * ({@code maven.repo.local}, {@code user.home}).
   *
   * @param settings the settings
   * @param systemProperties the system properties to read
   * @return the stack settings
   * @throws ConfigException listing every invalid key with its expected form, sorted
   */
  public static StackSettings from(GlasswatchSettings settings, Properties systemProperties) {
    List<String> problems = new ArrayList<>();
    Path dir = directory(settings.get(GlasswatchSettings.STACK_DIR), problems);
    Map<String, Integer> ports = new LinkedHashMap<>();
    int kafka = port(settings, GlasswatchSettings.STACK_KAFKA_PORT, 1, "its controller", ports, problems);
    int registry = port(settings, GlasswatchSettings.STACK_REGISTRY_PORT, 1, "its management interface", ports, problems);
    int es = port(settings, GlasswatchSettings.STACK_ES_PORT, 100, "its transport", ports, problems);
    int moto = port(settings, GlasswatchSettings.STACK_MOTO_PORT, 0, null, ports, problems);
    checkDistinct(ports, problems);
    String prefix = settings.get(GlasswatchSettings.ES_TIMELINE_INDEX).strip();
    if (!prefix.matches("[a-z0-9][a-z0-9._-]*")) {
      problems.add(GlasswatchSettings.ES_TIMELINE_INDEX + ": expected a lower-case index prefix such as glasswatch-timeline, got '"
          + prefix + "'");
    }
    Users users = new Users(
        user(settings, GlasswatchSettings.ES_ADMIN_USER, "glasswatch_admin", problems),
        password(settings, GlasswatchSettings.ES_ADMIN_PASSWORD, problems),
        user(settings, GlasswatchSettings.ES_SINK_USER, "glasswatch_sink", problems),
        password(settings, GlasswatchSettings.ES_SINK_PASSWORD, problems),
        user(settings, GlasswatchSettings.ES_READER_USER, "glasswatch_reader", problems),
        password(settings, GlasswatchSettings.ES_READER_PASSWORD, problems));
    if (users.adminUser().equals(users.sinkUser()) || users.adminUser().equals(users.readerUser())
        || users.sinkUser().equals(users.readerUser())) {
      problems.add(GlasswatchSettings.ES_READER_USER + ": expected three different user names for "
          + GlasswatchSettings.ES_ADMIN_USER + ", " + GlasswatchSettings.ES_SINK_USER + " and "
          + GlasswatchSettings.ES_READER_USER + ", got " + users.adminUser() + ", " + users.sinkUser() + ", " + users.readerUser());
    }
    if (!problems.isEmpty()) {
      problems.sort(String::compareTo);
      throw new ConfigException(problems);
    }
    return new StackSettings(dir, kafka, registry, es, moto, prefix, users,
        Distributions.localRepositories(systemProperties.getProperty("maven.repo.local", ""),
            systemProperties.getProperty("user.home", "")));
  }

  /**
   * The main port of {@code c}.
   *
   * @param c the component
   * @return its port, 1-65535
   */
  public int port(Component c) {
    return switch (c) {
      case KAFKA -> kafkaPort;
      case REGISTRY -> registryPort;
      case ELASTICSEARCH -> elasticsearchPort;
      case MOTO -> motoPort;
    };
  }

  /**
   * {@code 127.0.0.1:<port>} of {@code c}.
   *
   * @param c the component
   * @return its local address
   */
  public String address(Component c) {
    return "127.0.0.1:" + port(c);
  }

  private static Path directory(String value, List<String> problems) {
    String v = value.strip();
    if (v.isEmpty()) {
      problems.add(GlasswatchSettings.STACK_DIR + ": expected a directory, e.g. .glasswatch/stack, got ''");
      return Path.of(".");
    }
    try {
      return Path.of(v);
    } catch (InvalidPathException e) {
      problems.add(GlasswatchSettings.STACK_DIR + ": expected a directory, got '" + v + "': " + e.getReason());
      return Path.of(".");
    }
  }

  /** Reads a port; {@code extra} > 0 means the server also binds port + extra ({@code role}). */
  private static int port(GlasswatchSettings s, String key, int extra, String role, Map<String, Integer> ports,
      List<String> problems) {
    String v = s.get(key).strip();
    int max = 65_535 - extra;
    try {
      int port = Integer.parseInt(v);
      if (port >= 1 && port <= max) {
        ports.put(key, port);
        if (extra > 0) {
          ports.put(key + " + " + extra + " (" + role + ")", port + extra);
        }
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(key + ": expected a TCP port 1-" + max + (extra > 0 ? " (" + role + " uses port + " + extra + ")" : "")
        + ", got '" + v + "'");
    return 1;
  }

  private static void checkDistinct(Map<String, Integer> ports, List<String> problems) {
    Map<Integer, String> seen = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : ports.entrySet()) {
      String other = seen.putIfAbsent(e.getValue(), e.getKey());
      if (other != null) {
        String key = e.getKey().contains(" ") ? e.getKey().substring(0, e.getKey().indexOf(' ')) : e.getKey();
        problems.add(key + ": port " + e.getValue() + " of " + e.getKey() + " is also that of " + other
            + "; every server of the stack needs its own ports");
      }
    }
  }

  private static String user(GlasswatchSettings s, String key, String fallback, List<String> problems) {
    String v = s.get(key);
    if (v.isBlank()) {
      return fallback;
    }
    if (!v.equals(v.strip()) || v.contains(":") || v.chars().anyMatch(Character::isISOControl) || v.length() > 507) {
      problems.add(key + ": expected an Elasticsearch user name (no ':', no surrounding spaces, at most 507 characters), got '"
          + v + "'");
    }
    return v;
  }

  private static String password(GlasswatchSettings s, String key, List<String> problems) {
    String v = s.get(key);
    if (v.chars().anyMatch(c -> c == '\n' || c == '\r')) {
      problems.add(key + ": expected a password on one line (it is kept in a properties file)");
    }
    return v.isBlank() ? "" : v;
  }

  /** Every field, the passwords masked. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "StackSettings{directory=%s, ports=kafka %d, registry %d, elasticsearch %d, moto %d, "
        + "timelineIndexPrefix=%s, users=%s, mavenRepositories=%s}", directory, kafkaPort, registryPort, elasticsearchPort,
        motoPort, timelineIndexPrefix, users, mavenRepositories);
  }
}
