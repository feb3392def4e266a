package io.glasswatch.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Server distributions from Maven Central, resolved into the local Maven repository when the stack
 * module is built (see its pom: {@code maven-dependency-plugin:get}), unpacked at first use into
 * {@code <stack dir>/dist/<name>-<version>/}.
 *
 * <ul>
 *   <li>{@code io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all} (contains {@code quarkus-run.jar})
 *   <li>{@code org.elasticsearch.distribution.integ-test-zip:elasticsearch:8.19.21:zip}
 * </ul>
 */
final class Distributions {
  private static final Properties BUILD = loadBuildProperties();

  private Distributions() {}

  private static Properties loadBuildProperties() {
    Properties p = new Properties();
    try (InputStream in = Distributions.class.getResourceAsStream("stack-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** A version recorded at build time, e.g. {@code elasticsearch.version}. */
  static String version(String key, String fallback) {
    String v = BUILD.getProperty(key, "");
    return v.isEmpty() || v.startsWith("${") ? fallback : v;
  }

  /** Apicurio Registry server version. */
  static String registryVersion() {
    return version("apicurio.registry.version", "3.3.3");
  }

  /** Elasticsearch server version. */
  static String elasticsearchVersion() {
    return version("elasticsearch.version", "8.19.21");
  }

  /**
   * Candidate local Maven repositories, in order: the one this module was built with, {@code mavenRepoLocal}
   * (system property {@code maven.repo.local}; empty for none), {@code <userHome>/.m2/repository}.
   * {@link StackSettings#from} calls this once with the system properties.
   */
  static List<Path> localRepositories(String mavenRepoLocal, String userHome) {
    java.util.ArrayList<Path> repos = new java.util.ArrayList<>();
    String built = BUILD.getProperty("localRepository", "");
    if (!built.isEmpty() && !built.startsWith("${")) {
      repos.add(Path.of(built));
    }
    if (!mavenRepoLocal.isEmpty()) {
      repos.add(Path.of(mavenRepoLocal));
    }
    repos.add(Path.of(userHome, ".m2", "repository"));
    return repos;
  }

  /**
   * The archive of an artifact in a local Maven repository.
   *
   * @throws StackException naming the coordinates and the Maven command that downloads them
   */
  static Path artifact(List<Path> repositories, String groupId, String artifactId, String version, String classifier, String type) {
    String file = artifactId + "-" + version + (classifier == null ? "" : "-" + classifier) + "." + type;
    for (Path repo : repositories) {
      Path p = repo.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version).resolve(file);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    String coords = groupId + ":" + artifactId + ":" + version + ":" + type + (classifier == null ? "" : ":" + classifier);
    throw new StackException("server distribution " + coords + " is not in the local Maven repository "
        + repositories + "; build the stack module (mvn -pl stack install) or run: mvn dependency:get -Dartifact="
        + coords + " -Dtransitive=false");
  }

  /**
   * Unpacks {@code archive} (zip or tar.gz) into {@code distDir/name} unless already done, and returns
   * the distribution's home: the single top-level directory of the archive, or {@code distDir/name}
   * itself when the archive has several top-level entries. Unpacking goes to a temporary directory
   * first and is renamed at the end, so an interrupted unpack is never mistaken for a complete one.
   */
  static Path unpack(Path archive, Path distDir, String name) {
    Path target = distDir.resolve(name);
    try {
      if (!Files.isDirectory(target)) {
        Files.createDirectories(distDir);
        Path tmp = Files.createTempDirectory(distDir, name + ".unpacking-");
        try {
          if (archive.getFileName().toString().endsWith(".zip")) {
            unzip(archive, tmp);
          } else {
            untar(archive, tmp);
          }
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          deleteTree(tmp);
        }
      }
      try (Stream<Path> top = Files.list(target)) {
        List<Path> entries = top.toList();
        return entries.size() == 1 && Files.isDirectory(entries.get(0)) ? entries.get(0) : target;
      }
    } catch (IOException e) {
      throw new StackException("cannot unpack " + archive + " into " + target + ": " + e.getMessage(), e);
    }
  }

  /** Unzips with the JDK; files under a {@code bin} directory are made executable (zip keeps no modes here). */
  static void unzip(Path archive, Path into) throws IOException {
    Path root = into.toAbsolutePath().normalize();
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        Path out = root.resolve(e.getName()).normalize();
        if (!out.startsWith(root)) {
          throw new IOException("zip entry outside the target directory: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        try (InputStream in = zip.getInputStream(e)) {
          Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
        boolean exec = out.getParent().getFileName().toString().equals("bin");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }

  /** Unpacks a tar.gz with the system {@code tar} (present on every Linux). */
  static void untar(Path archive, Path into) throws IOException {
    Path log = into.resolveSibling(into.getFileName() + ".tar.log");
    Process p = new ProcessBuilder("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", into.toString(),
        "--no-same-owner")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    try {
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IOException("tar exited with " + rc + ": " + Processes.tail(log, 10));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unpacking " + archive, e);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Deletes a directory tree (used for failed unpacks and tests). */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
