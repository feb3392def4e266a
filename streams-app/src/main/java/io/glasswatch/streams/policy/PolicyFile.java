package io.glasswatch.streams.policy;

import static io.glasswatch.streams.policy.PolicyLayers.ACCOUNTS;
import static io.glasswatch.streams.policy.PolicyLayers.ALERTS;
import static io.glasswatch.streams.policy.PolicyLayers.TENANTS;
import static io.glasswatch.streams.policy.PolicyProblems.isNothing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.glasswatch.config.ConfigException;
import io.glasswatch.config.Durations;
import io.glasswatch.streams.policy.PolicyLayers.Layer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the detection {@link Policy} from one YAML file (the repository's {@code config/policy.yaml}
 * shows every key with its default). Keys absent from the file keep {@link Policy#defaults()}.
 *
 * <p>Shape: the thresholds of {@link Policy} as top-level keys ({@link #KEYS}); {@code alerts:} maps an
 * alert type (its wire name, e.g. {@code TOKEN_REUSE}) to any of {@code severity} ({@code critical},
 * {@code high}, {@code medium}, {@code low}), {@code actions} (a list of {@code page}, {@code notify},
 * {@code revoke}) and {@code runbook}, each absent field keeping its value; {@code accounts:} maps a
 * 12-digit AWS account id, and {@code tenants:} a tenant name, to a partial policy (the same keys and
 * {@code alerts:}, never {@code accounts:} or {@code tenants:}) applied on top of the file's base
 * policy. {@link Policy#resolve(String, String)} then picks the account's policy, else the tenant's,
 * else the base. Durations are ISO-8601 ({@code PT5M}, {@code P30D}) or a number with a unit
 * {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}, combinable ({@code 90s}, {@code 1h30m}).
 *
 * <p>Validation reports every problem of the file at once in one {@link ConfigException}, each naming
 * the file, the key path and the expected form, with the line where the key stands, e.g.
 * {@code policy.yaml: accounts.123456789012.rotationDeadline: expected a duration such as 24h or PT24H,
 * got 'tomorrow' (line 31)}: unknown keys (with the nearest known key), duplicate keys, wrong types,
 * unknown alert types, severities and actions, invalid account ids, nested overrides, and the
 * cross-field checks of the {@link Policy} constructor, for the base and for every override.
 *
 * <p>The work is shared with package-private classes: {@link PolicyKey} (the threshold keys and their
 * forms), {@link PolicyLayers} (reading the mappings and building the policies) and
 * {@link PolicyProblems} (line-numbered problems and how values are named).
 */
public final class PolicyFile {
  /** Where the repository keeps its policy file, relative to the repository root. */
  public static final String DEFAULT_LOCATION = "config/policy.yaml";

  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().build());
  /**
   * Top-level section of on-call routing rules; read and validated by the alerts module
   * ({@code io.glasswatch.alerts.oncall.RoutingFile}), skipped here.
   */
  public static final String ROUTING = "routing";
  /**
   * Section of session containment ({@code enabled}, {@code alertTypes}, {@code manualRevokes}), at the top
   * level and in account overrides; read and validated by the alerts module
   * ({@code io.glasswatch.alerts.enforcement.ContainmentPolicy}), skipped here.
   */
  public static final String CONTAINMENT = "containment";

  /**
   * Every top-level key of the file, in the order of {@code config/policy.yaml}: the thresholds, then
   * {@code alerts}, {@code accounts} and {@code tenants}.
   */
  public static final List<String> KEYS;

  static {
    List<String> keys = new ArrayList<>(PolicyKey.BY_NAME.keySet());
    keys.addAll(List.of(ALERTS, ACCOUNTS, TENANTS));
    KEYS = List.copyOf(keys);
  }

  private PolicyFile() {}

  /**
   * Reads and validates the policy file at {@code file} (UTF-8 YAML); problems name the file as given.
   *
   * @throws ConfigException when the file cannot be read, is not YAML, or holds any invalid key or
   *     value (every problem listed)
   */
  public static Policy load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read the policy file: " + describe(e)));
    }
    return parse(text, file.toString());
  }

  /**
   * Parses and validates the policy in {@code yaml}. An empty document is {@link Policy#defaults()}.
   *
   * @param sourceName how problems name the source, e.g. {@code policy.yaml}
   * @throws ConfigException listing every problem, each as {@code <source>: <key path>: <problem>},
   *     followed by {@code (line N)} where the key's line is known
   */
  public static Policy parse(String yaml, String sourceName) {
    PolicyProblems problems = new PolicyProblems(sourceName);
    JsonNode root;
    try {
      PolicyProblems.scan(YAML, yaml, problems);
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      Integer line = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? null : e.getLocation().getLineNr();
      String why = e instanceof JsonEOFException ? "the document ends early" : e.getOriginalMessage();
      throw new ConfigException(List.of(sourceName + ": not valid YAML: " + firstLine(why)
          + (line == null ? "" : " (line " + line + ")")));
    }
    if (isNothing(root)) {
      problems.throwIfAny();
      return Policy.defaults();
    }
    if (!root.isObject()) {
      problems.add("", "expected a mapping of policy keys at the top level, got " + PolicyProblems.describe(root), "");
      problems.throwIfAny();
    }

    Layer base = PolicyLayers.readLayer(root, "", true, problems);
    Map<String, Layer> accounts = new LinkedHashMap<>();
    Map<String, Layer> tenants = new LinkedHashMap<>();
    PolicyLayers.readOverrides(root.get(ACCOUNTS), ACCOUNTS, true, accounts, problems);
    PolicyLayers.readOverrides(root.get(TENANTS), TENANTS, false, tenants, problems);

    Policy basePolicy = PolicyLayers.build(base, null, "", Set.of(), problems);
    Set<String> baseProblems = basePolicy == null ? problems.policyMessages : Set.of();
    Map<String, Policy> accountPolicies = new LinkedHashMap<>();
    accounts.forEach((id, layer) -> accountPolicies.put(id,
        PolicyLayers.build(base, layer, ACCOUNTS + "." + id + ".", baseProblems, problems)));
    Map<String, Policy> tenantPolicies = new LinkedHashMap<>();
    tenants.forEach((name, layer) -> tenantPolicies.put(name,
        PolicyLayers.build(base, layer, TENANTS + "." + name + ".", baseProblems, problems)));
    problems.throwIfAny();

    Policy.Builder b = basePolicy.toBuilder();
    accountPolicies.forEach(b::account);
    tenantPolicies.forEach(b::tenant);
    try {
      return b.build();
    } catch (ConfigException e) {
      e.problems().forEach(m -> problems.addPolicyProblem("", m));
      problems.throwIfAny();
      throw e;
    }
  }

  /**
   * Parses a duration: ISO-8601 ({@code PT5M}, {@code PT24H}, {@code P30D}; {@link Duration#parse}) or
   * numbers with units {@code ms}, {@code s}, {@code m}, {@code h}, {@code d} ({@code 90s}, {@code 5m},
   * {@code 24h}, {@code 30d}, {@code 1h30m}).
   *
   * @throws IllegalArgumentException when {@code text} is neither form or overflows
   */
  public static Duration parseDuration(String text) {
    return Durations.parse(text);
  }

  /** The short form of {@code d} in its largest whole unit (days from two days on), e.g. {@code 24h}, {@code 30d}, {@code 90s}. */
  static String shortForm(Duration d) {
    return PolicyKey.shortForm(d);
  }

  /** The ISO-8601 form of {@code d}: in days from two whole days on ({@code P30D}), else {@link Duration#toString()} ({@code PT24H}). */
  static String isoForm(Duration d) {
    return PolicyKey.isoForm(d);
  }

  /** The known name closest to {@code name} (ignoring case, '_' and '-'), if it is close enough to be a typo. */
  static String nearest(String name, List<String> known) {
    return PolicyProblems.nearest(name, known);
  }

  private static String describe(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException ? "no such file"
        : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
        : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
