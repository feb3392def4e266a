package io.glasswatch.stack;

import io.glasswatch.config.GlasswatchSettings;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The Elasticsearch users of the local stack and their generated passwords, kept in
 * {@code <stack dir>/credentials.properties} (mode 600) under the {@link GlasswatchSettings} keys
 * plus {@link LocalStack#ES_READER_USER}/{@link LocalStack#ES_READER_PASSWORD}.
 *
 * @param adminUser superuser (index templates, queries)
 * @param adminPassword password of {@code adminUser}
 * @param sinkUser timeline writer (create_doc only)
 * @param sinkPassword password of {@code sinkUser}
 * @param readerUser read-only investigator
 * @param readerPassword password of {@code readerUser}
 */
record Credentials(String adminUser, String adminPassword, String sinkUser, String sinkPassword,
    String readerUser, String readerPassword) {

  /** File name under the stack directory. */
  static final String FILE_NAME = "credentials.properties";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Masks the passwords. */
  @Override
  public String toString() {
    return "Credentials{admin=" + adminUser + ", sink=" + sinkUser + ", reader=" + readerUser + ", passwords=****}";
  }

  /** A new random password: 24 random bytes, URL-safe Base64 without padding (32 characters). */
  static String randomPassword() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * The users of {@code users} (names defaulted by {@link StackSettings#from}); a password is taken from
   * {@code users} when set there, generated otherwise.
   */
  static Credentials generate(StackSettings.Users users) {
    return new Credentials(users.adminUser(), orRandom(users.adminPassword()), users.sinkUser(),
        orRandom(users.sinkPassword()), users.readerUser(), orRandom(users.readerPassword()));
  }

  private static String orRandom(String v) {
    return v == null || v.isBlank() ? randomPassword() : v;
  }

  /**
   * Reads {@code file}.
   *
   * @return null when the file does not exist
   * @throws StackException naming the file and the missing key when it is incomplete or unreadable
   */
  static Credentials read(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new StackException(file + ": cannot read the stack credentials: " + e.getMessage(), e);
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String key : keys()) {
      String v = p.getProperty(key, "").trim();
      if (v.isEmpty()) {
        throw new StackException(file + ": key '" + key + "' is missing or empty; delete the file and the "
            + "elasticsearch directory next to it to generate new credentials");
      }
      m.put(key, v);
    }
    return new Credentials(m.get(GlasswatchSettings.ES_ADMIN_USER), m.get(GlasswatchSettings.ES_ADMIN_PASSWORD),
        m.get(GlasswatchSettings.ES_SINK_USER), m.get(GlasswatchSettings.ES_SINK_PASSWORD),
        m.get(LocalStack.ES_READER_USER), m.get(LocalStack.ES_READER_PASSWORD));
  }

  private static String[] keys() {
    return new String[] {GlasswatchSettings.ES_ADMIN_USER, GlasswatchSettings.ES_ADMIN_PASSWORD,
        GlasswatchSettings.ES_SINK_USER, GlasswatchSettings.ES_SINK_PASSWORD,
        LocalStack.ES_READER_USER, LocalStack.ES_READER_PASSWORD};
  }

  /** The settings keys and values of these credentials. */
  Map<String, String> asSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(GlasswatchSettings.ES_ADMIN_USER, adminUser);
    m.put(GlasswatchSettings.ES_ADMIN_PASSWORD, adminPassword);
    m.put(GlasswatchSettings.ES_SINK_USER, sinkUser);
    m.put(GlasswatchSettings.ES_SINK_PASSWORD, sinkPassword);
    m.put(LocalStack.ES_READER_USER, readerUser);
    m.put(LocalStack.ES_READER_PASSWORD, readerPassword);
    return m;
  }

  /**
   * Writes {@code file} with owner-only permissions (600): the file is created with them, so the
   * passwords are never readable by others, even briefly.
   */
  void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Properties p = new Properties();
    asSettings().forEach(p::setProperty);
    try (Writer w = Files.newBufferedWriter(tmp, StandardOpenOption.TRUNCATE_EXISTING)) {
      p.store(w, "Glasswatch local stack Elasticsearch users (generated; keep private)");
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
