package io.glasswatch.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.glasswatch.config.ConfigException;
import io.glasswatch.config.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The part of the detection policy file (the repository's {@code config/policy.yaml}, README section
 * "Policy") that every module needs, not only the streams application: the per-type alert overrides
 * ({@code alerts:}) and {@code revokeDeadline} (SPEC section 3, default 60 s), at the top level and
 * in {@code accounts.<12-digit id>} and {@code tenants.<name>} overrides.
 *
 * <p>Rule: an alert of type {@code T} on account {@code A} with tenant {@code N} is raised with the
 * catalogue defaults of {@code T} ({@link AlertPolicy#defaultsOf}), overlaid field by field with the
 * file's top-level {@code alerts.T}, then with {@code accounts.A.alerts.T} when account {@code A} has
 * an override, else with {@code tenants.N.alerts.T} (an account override wins over a tenant override;
 * the two are never combined). {@code revokeDeadline} resolves the same way.
 *
 * <p>Reading is lenient about every other key (the streams application's {@code PolicyFile}
 * validates the whole file) and strict about these: every problem (unknown alert type, severity or
 * action, blank runbook, a duration that is not one) is reported at once in one
 * {@link ConfigException}, each as {@code <file>: <key path>: <problem>}. The streams application's
 * {@code PolicyFile} reads {@code alerts:} sections through {@link #readAlerts} so that both modules
 * accept exactly the same file (with its own wording of unknown names, {@link UnknownName}).
 */
public final class PolicyAlerts {
  /** Default of {@code revokeDeadline} (SPEC section 3). */
  public static final Duration DEFAULT_REVOKE_DEADLINE = Duration.ofSeconds(60);
  /** The key of the revoke deadline. */
  public static final String REVOKE_DEADLINE = "revokeDeadline";
  /** The key of the per-type alert overrides. */
  public static final String ALERTS = "alerts";

  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().build());
  private static final List<String> FIELDS = List.of("severity", "actions", "runbook");

  /** Receives one problem: the key path (e.g. {@code alerts.TOKEN_REUSE.severity}) and what is wrong. */
  @FunctionalInterface
  public interface Problems {
    /**
     * One problem.
     *
     * @param path key path from the top of the file
     * @param message what is wrong and the expected form
     */
    void add(String path, String message);
  }

  /** Words the problem about an unknown name: an alert type, or a key of an alert type's mapping. */
  @FunctionalInterface
  public interface UnknownName {
    /**
     * The problem's text.
     *
     * @param what {@code alert type} or {@code key}
     * @param name the name found
     * @param known the names expected
     */
    String describe(String what, String name, List<String> known);
  }

  /** {@code unknown <what> '<name>'; expected one of [<known>]}. */
  public static final UnknownName PLAIN_UNKNOWN =
      (what, name, known) -> "unknown " + what + " '" + name + "'; expected one of " + known;

  /**
   * The fields one mapping sets for one alert type; null where absent.
   *
   * @param severity severity, or null
   * @param actions actions, or null
   * @param runbook runbook link or anchor, or null
   */
  public record Fields(Severity severity, Set<Action> actions, String runbook) {
    /** Copies {@code actions} when present. */
    public Fields {
      actions = actions == null ? null : Set.copyOf(actions);
    }

    /** These fields with {@code override}'s present fields on top (either may be null). */
    public static Fields merge(Fields base, Fields override) {
      if (base == null || override == null) {
        return override == null ? base : override;
      }
      return new Fields(override.severity != null ? override.severity : base.severity,
          override.actions != null ? override.actions : base.actions,
          override.runbook != null ? override.runbook : base.runbook);
    }

    /** {@code policy} with the present fields replaced. */
    public AlertPolicy over(AlertPolicy policy) {
      return new AlertPolicy(severity == null ? policy.severity() : severity,
          actions == null ? policy.actions() : actions, runbook == null ? policy.runbook() : runbook);
    }
  }

  /** One mapping's settings: the top level, or one account or tenant override. */
  private record Layer(Map<AlertType, Fields> alerts, Duration revokeDeadline) {}

  private static final Layer EMPTY = new Layer(Map.of(), null);

  private final Layer base;
  private final Map<String, Layer> accounts;
  private final Map<String, Layer> tenants;

  private PolicyAlerts(Layer base, Map<String, Layer> accounts, Map<String, Layer> tenants) {
    this.base = base;
    this.accounts = Map.copyOf(accounts);
    this.tenants = Map.copyOf(tenants);
  }

  /** No policy file: the catalogue defaults and a 60 s revoke deadline. */
  public static PolicyAlerts defaults() {
    return new PolicyAlerts(EMPTY, Map.of(), Map.of());
  }

  /**
   * Reads {@code file} (UTF-8 YAML).
   *
   * @param file the policy file
   * @return its alert overrides and revoke deadlines
   * @throws ConfigException when the file cannot be read or is not YAML, or listing every invalid
   *     alert override and revoke deadline
   */
  public static PolicyAlerts load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read the policy file: " + e.getClass().getSimpleName()));
    }
  }

  /**
   * Parses a policy document.
   *
   * @param yaml the document; empty means the defaults
   * @param sourceName how problems name the source, e.g. {@code policy.yaml}
   * @return its alert overrides and revoke deadlines
   * @throws ConfigException listing every problem as {@code <source>: <key path>: <problem>}
   */
  public static PolicyAlerts parse(String yaml, String sourceName) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ConfigException(List.of(sourceName + ": not valid YAML: " + e.getOriginalMessage()));
    }
    if (isNothing(root)) {
      return defaults();
    }
    List<String> problems = new ArrayList<>();
    Problems sink = (path, message) -> problems.add(sourceName + ": " + path + ": " + message);
    if (!root.isObject()) {
      sink.add("", "expected a mapping of policy keys at the top level");
      throw new ConfigException(problems);
    }
    Layer base = layer(root, "", sink);
    Map<String, Layer> accounts = overrides(root.get("accounts"), "accounts", sink);
    Map<String, Layer> tenants = overrides(root.get("tenants"), "tenants", sink);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new PolicyAlerts(base, accounts, tenants);
  }

  /**
   * The policy an alert of {@code type} is raised with (class Javadoc).
   *
   * @param type the alert type
   * @param accountId the alert's AWS account id, or null
   * @param tenant the tenant, or null
   * @return severity, actions and runbook
   */
  public AlertPolicy alert(AlertType type, String accountId, String tenant) {
    AlertPolicy p = AlertPolicy.defaultsOf(type);
    Fields top = base.alerts().get(type);
    Fields over = override(accountId, tenant).alerts().get(type);
    Fields f = Fields.merge(top, over);
    return f == null ? p : f.over(p);
  }

  /**
   * The revoke deadline: time from pick-up by which an auto-revoke must be confirmed before
   * {@code REVOKE_FAILED} is raised.
   *
   * @param accountId the target account, or null
   * @return the account override's, else the top level's, else 60 s
   */
  public Duration revokeDeadline(String accountId) {
    Layer o = accountId == null ? EMPTY : accounts.getOrDefault(accountId, EMPTY);
    if (o.revokeDeadline() != null) {
      return o.revokeDeadline();
    }
    return base.revokeDeadline() == null ? DEFAULT_REVOKE_DEADLINE : base.revokeDeadline();
  }

  /**
   * The longest revoke deadline of the file: the top level's and every account override's.
   *
   * @return the longest deadline
   */
  public Duration maxRevokeDeadline() {
    Duration max = revokeDeadline();
    for (Layer l : accounts.values()) {
      if (l.revokeDeadline() != null && l.revokeDeadline().compareTo(max) > 0) {
        max = l.revokeDeadline();
      }
    }
    return max;
  }

  /**
   * The top-level revoke deadline.
   *
   * @return the file's {@code revokeDeadline}, else 60 s
   */
  public Duration revokeDeadline() {
    return revokeDeadline(null);
  }

  private Layer override(String accountId, String tenant) {
    if (accountId != null && accounts.containsKey(accountId)) {
      return accounts.get(accountId);
    }
    return tenant != null ? tenants.getOrDefault(tenant, EMPTY) : EMPTY;
  }

  private static Map<String, Layer> overrides(JsonNode node, String section, Problems problems) {
    Map<String, Layer> out = new LinkedHashMap<>();
    if (isNothing(node) || !node.isObject()) {
      return out; // the streams application's PolicyFile reports a malformed section
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (e.getValue().isObject()) {
        out.put(e.getKey(), layer(e.getValue(), section + "." + e.getKey() + ".", problems));
      }
    }
    return out;
  }

  private static Layer layer(JsonNode node, String prefix, Problems problems) {
    Map<AlertType, Fields> alerts = readAlerts(node.get(ALERTS), prefix + ALERTS, problems);
    Duration deadline = null;
    JsonNode d = node.get(REVOKE_DEADLINE);
    if (!isNothing(d)) {
      try {
        deadline = d.isTextual() ? Durations.parse(d.textValue()) : null;
      } catch (IllegalArgumentException e) {
        deadline = null;
      }
      if (deadline == null || deadline.isNegative() || deadline.isZero()) {
        problems.add(prefix + REVOKE_DEADLINE, "expected a positive duration such as 60s or PT1M, got " + describe(d)
            + (d.isNumber() ? " (a number needs a unit: ms, s, m, h or d)" : ""));
        deadline = null;
      }
    }
    return new Layer(alerts, deadline);
  }

  /**
   * Reads one {@code alerts:} mapping: alert type (wire name) to any of {@code severity}
   * ({@code critical}, {@code high}, {@code medium}, {@code low}), {@code actions} (a list of
   * {@code page}, {@code notify}, {@code revoke}; {@code []} records the alert only) and
   * {@code runbook} (a link or anchor).
   *
   * @param node the mapping, or null / empty for none
   * @param path the mapping's key path, e.g. {@code alerts} or {@code accounts.123456789012.alerts}
   * @param problems told about every invalid entry (the entry is then left out)
   * @return the valid entries, by type
   */
  public static Map<AlertType, Fields> readAlerts(JsonNode node, String path, Problems problems) {
    return readAlerts(node, path, problems, PLAIN_UNKNOWN);
  }

  /**
   * As {@link #readAlerts(JsonNode, String, Problems)}, with the problems about unknown alert types and
   * keys worded by {@code unknown} (the streams application's policy file suggests the nearest name).
   *
   * @param node the mapping, or null / empty for none
   * @param path the mapping's key path
   * @param problems told about every invalid entry (the entry is then left out)
   * @param unknown words the problem about an unknown alert type or key
   * @return the valid entries, by type
   */
  public static Map<AlertType, Fields> readAlerts(JsonNode node, String path, Problems problems,
      UnknownName unknown) {
    Map<AlertType, Fields> out = new EnumMap<>(AlertType.class);
    if (isNothing(node)) {
      return out;
    }
    if (!node.isObject()) {
      problems.add(path, "expected a mapping of alert type to severity, actions and runbook, got " + describe(node));
      return out;
    }
    List<String> typeNames = Arrays.stream(AlertType.values()).map(Enum::name).toList();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String typePath = path + "." + e.getKey();
      if (!typeNames.contains(e.getKey())) {
        problems.add(typePath, unknown.describe("alert type", e.getKey(), typeNames));
        continue;
      }
      AlertType type = AlertType.valueOf(e.getKey());
      JsonNode fields = e.getValue();
      if (!fields.isObject()) {
        problems.add(typePath, "expected a mapping with severity, actions and/or runbook, got " + describe(fields));
        continue;
      }
      Severity severity = null;
      Set<Action> actions = null;
      String runbook = null;
      for (Map.Entry<String, JsonNode> f : fields.properties()) {
        String fieldPath = typePath + "." + f.getKey();
        JsonNode v = f.getValue();
        switch (f.getKey()) {
          case "severity" -> {
            severity = v.isTextual() ? severity(v.textValue()) : null;
            if (severity == null) {
              problems.add(fieldPath, "expected one of critical, high, medium, low, got " + describe(v));
            }
          }
          case "actions" -> actions = readActions(v, fieldPath, problems);
          case "runbook" -> {
            if (v.isTextual() && !v.textValue().isBlank()) {
              runbook = v.textValue().strip();
            } else {
              problems.add(fieldPath, "expected a link or anchor such as " + type.defaultRunbook() + ", got " + describe(v));
            }
          }
          default -> problems.add(fieldPath, unknown.describe("key", f.getKey(), FIELDS));
        }
      }
      out.put(type, new Fields(severity, actions, runbook));
    }
    return out;
  }

  private static Set<Action> readActions(JsonNode v, String path, Problems problems) {
    String expected = "expected a list of page, notify, revoke such as [page, revoke] ([] to record the alert only), got ";
    if (!v.isArray()) {
      problems.add(path, expected + describe(v));
      return null;
    }
    Set<Action> out = EnumSet.noneOf(Action.class);
    boolean ok = true;
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      Action a = item.isTextual() ? action(item.textValue()) : null;
      if (a == null) {
        problems.add(path + "[" + i + "]", "expected page, notify or revoke, got " + describe(item));
        ok = false;
      } else {
        out.add(a);
      }
    }
    return ok ? out : null;
  }

  /**
   * A severity by wire name, ignoring case and surrounding blanks.
   *
   * @param s e.g. {@code critical}
   * @return the severity, or null when {@code s} names none
   */
  public static Severity severity(String s) {
    Objects.requireNonNull(s, "s");
    for (Severity v : Severity.values()) {
      if (v.wireName().equalsIgnoreCase(s.strip())) {
        return v;
      }
    }
    return null;
  }

  /**
   * An action by wire name, ignoring case and surrounding blanks.
   *
   * @param s e.g. {@code revoke}
   * @return the action, or null when {@code s} names none
   */
  public static Action action(String s) {
    Objects.requireNonNull(s, "s");
    for (Action v : Action.values()) {
      if (v.wireName().equalsIgnoreCase(s.strip())) {
        return v;
      }
    }
    return null;
  }

  private static boolean isNothing(JsonNode v) {
    return v == null || v.isNull() || v.isMissingNode() || v.isTextual() && v.textValue().isEmpty();
  }

  private static String describe(JsonNode v) {
    if (isNothing(v)) {
      return "nothing";
    } else if (v.isTextual()) {
      return "'" + v.textValue() + "'";
    } else if (v.isArray()) {
      return "a list";
    } else if (v.isObject()) {
      return "a mapping";
    }
    return v.asText();
  }

  @Override
  public String toString() {
    return "PolicyAlerts{revokeDeadline=" + revokeDeadline() + ", alerts=" + base.alerts().keySet() + ", accounts="
        + accounts.keySet() + ", tenants=" + tenants.keySet() + "}";
  }
}
