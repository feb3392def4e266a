package io.glasswatch.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The bundled demo scenarios: JSON-lines files under the class-path folder {@code scenarios/},
 * listed in {@code scenarios.index} (a name may have a folder, e.g. {@code 08-authz-gateway/audit.log}:
 * the break-glass systems' own files keep their names). See the NOTICE file for the origin of their CloudTrail records.
 */
public final class DemoScenarios {
  /** Name of the scenario whose CloudTrail records must never raise an alert. */
  public static final String BACKGROUND = "05-background-cloudtrail.jsonl";

  /**
   * Folder of the scenario of a JIT grant's AWS session (SPEC 1.6). Fed live like the others: its CloudTrail
   * records are sent only once the streams app has processed the gateway events before them (its grant's fact
   * included), as CloudTrail arrives minutes after the grant in production.
   */
  public static final String AWS_SESSIONS = "10-jit-session-in-aws";

  /** The emergency role of scenario {@value #AWS_SESSIONS}, which the demo's policy ({@link #writePolicy}) lists. */
  public static final String EMERGENCY_ROLE = "arn:aws:iam::210987654321:role/break-glass-emergency";

  /** Class-path resource (under {@code scenarios/}) of the demo's policy; not a scenario, so not in the index. */
  static final String POLICY = "demo-policy.yaml";
  /** The request whose timeline the demo prints. */
  public static final String SHOWCASE_REQUEST = "JIT-20230314-0042";

  private DemoScenarios() {}

  /** The scenario file names, in order. */
  public static List<String> names() {
    try (InputStream in = DemoScenarios.class.getClassLoader().getResourceAsStream("scenarios.index")) {
      if (in == null) {
        throw new IOException("scenarios.index is missing from the class path");
      }
      List<String> names = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          names.add(line.trim());
        }
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the scenario index", e);
    }
  }

  /**
   * Copies every scenario into {@code dir} (created if needed), replacing older copies.
   *
   * @return the written files, in index order
   */
  public static List<Path> extract(Path dir) {
    try {
      Files.createDirectories(dir);
      List<Path> out = new ArrayList<>();
      for (String name : names()) {
        try (InputStream in = resource(name)) {
          Path target = dir.resolve(name);
          Files.createDirectories(target.getParent());
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          out.add(target);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo scenarios to " + dir, e);
    }
  }

  /**
   * Writes the demo's policy to {@code dir/policy.yaml} (created if needed, replacing an older copy): the
   * built-in defaults plus {@link #EMERGENCY_ROLE} in {@code emergencyRoles}. The demo applies it when
   * neither {@code --policy FILE} nor the setting {@code policy.file} names one.
   *
   * @param dir the demo's work directory
   * @return the written file
   * @throws UncheckedIOException when it cannot be written
   */
  public static Path writePolicy(Path dir) {
    try (InputStream in = resource(POLICY)) {
      Files.createDirectories(dir);
      Path target = dir.resolve("policy.yaml");
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo's policy to " + dir, e);
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = DemoScenarios.class.getClassLoader().getResourceAsStream("scenarios/" + name);
    if (in == null) {
      throw new IOException("scenario resource scenarios/" + name + " is missing from the class path");
    }
    return in;
  }
}
