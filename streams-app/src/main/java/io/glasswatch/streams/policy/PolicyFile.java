package io.glasswatch.streams.policy;

import io.glasswatch.catalogue.AlertPolicy;

import io.glasswatch.catalogue.Action;

import io.glasswatch.catalogue.Severity;

import io.glasswatch.catalogue.AlertType;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
 */
public final class PolicyFile {
  /** Where the repository keeps its policy file, relative to the repository root. */
  public static final String DEFAULT_LOCATION = "config/policy.yaml";

  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().build());
  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
  private static final String ALERTS = "alerts";
  private static final String ACCOUNTS = "accounts";
  private static final String TENANTS = "tenants";
  /**
   * Top-level section of on-call routing rules; read and validated by the alerts module
   * ({@code io.glasswatch.alerts.oncall.RoutingFile}), skipped here.
   */
  public static final String ROUTING = "routing";
  private static final List<String> ALERT_FIELDS = List.of("severity", "actions", "runbook");

  private enum Kind { DURATION, COUNT, STRING, STRINGS }

  /** One threshold key: its name, its kind, and how it is read from and written to a policy. */
  private record Key(String name, Kind kind, Function<Policy, Object> getter, BiConsumer<Policy.Builder, Object> setter) {
    static Key duration(String name, Function<Policy, Duration> getter, BiConsumer<Policy.Builder, Duration> setter) {
      return new Key(name, Kind.DURATION, getter::apply, (b, v) -> setter.accept(b, (Duration) v));
    }

    static Key count(String name, Function<Policy, Integer> getter, BiConsumer<Policy.Builder, Integer> setter) {
      return new Key(name, Kind.COUNT, getter::apply, (b, v) -> setter.accept(b, (Integer) v));
    }

    static Key string(String name, Function<Policy, String> getter, BiConsumer<Policy.Builder, String> setter) {
      return new Key(name, Kind.STRING, getter::apply, (b, v) -> setter.accept(b, (String) v));
    }

    @SuppressWarnings("unchecked")
    static Key strings(String name, Function<Policy, List<String>> getter, BiConsumer<Policy.Builder, List<String>> setter) {
      return new Key(name, Kind.STRINGS, getter::apply, (b, v) -> setter.accept(b, (List<String>) v));
    }

    /** The expected form, with the default as the example, e.g. {@code a duration such as 24h or PT24H}. */
    String expected() {
      Object d = getter.apply(Policy.defaults());
      return switch (kind) {
        case DURATION -> "a duration such as " + shortForm((Duration) d) + " or " + isoForm((Duration) d);
        case COUNT -> "a whole number such as " + d;
        case STRING -> "a string such as " + d;
        case STRINGS -> {
          List<?> l = (List<?>) d;
          yield "a list such as " + (l.size() <= 3 ? l.toString() : "[" + l.get(0) + ", " + l.get(1) + ", ...]");
        }
      };
    }
  }

  private static final List<Key> THRESHOLDS = List.of(
      Key.duration("skew", Policy::skew, Policy.Builder::skew),
      Key.duration("decisionDelay", Policy::decisionDelay, Policy.Builder::decisionDelay),
      Key.duration("rotationDeadline", Policy::rotationDeadline, Policy.Builder::rotationDeadline),
      Key.duration("rootSessionGap", Policy::rootSessionGap, Policy.Builder::rootSessionGap),
      Key.strings("requiredApproverRoles", Policy::requiredApproverRoles, Policy.Builder::requiredApproverRoles),
      Key.string("minApproverAcr", Policy::minApproverAcr, Policy.Builder::minApproverAcr),
      Key.strings("acrOrder", Policy::acrOrder, Policy.Builder::acrOrder),
      Key.duration("approvalMaxAge", Policy::approvalMaxAge, Policy.Builder::approvalMaxAge),
      Key.duration("maxGrantDuration", Policy::maxGrantDuration, Policy.Builder::maxGrantDuration),
      Key.duration("revokeDeadline", Policy::revokeDeadline, Policy.Builder::revokeDeadline),
      Key.count("repeatThreshold", Policy::repeatThreshold, Policy.Builder::repeatThreshold),
      Key.duration("repeatWindow", Policy::repeatWindow, Policy.Builder::repeatWindow),
      Key.count("deniedThreshold", Policy::deniedThreshold, Policy.Builder::deniedThreshold),
      Key.duration("deniedWindow", Policy::deniedWindow, Policy.Builder::deniedWindow),
      Key.duration("stateRetention", Policy::stateRetention, Policy.Builder::stateRetention),
      Key.duration("allowedLateness", Policy::allowedLateness, Policy.Builder::allowedLateness),
      Key.strings("rootAntipatternActions", Policy::rootAntipatternActions, Policy.Builder::rootAntipatternActions));

  private static final Map<String, Key> BY_NAME =
      THRESHOLDS.stream().collect(Collectors.toMap(Key::name, k -> k, (a, b) -> a, LinkedHashMap::new));

  /**
   * Every top-level key of the file, in the order of {@code config/policy.yaml}: the thresholds, then
   * {@code alerts}, {@code accounts} and {@code tenants}.
   */
  public static final List<String> KEYS;

  static {
    List<String> keys = new ArrayList<>(BY_NAME.keySet());
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
    Problems problems = new Problems(sourceName);
    JsonNode root;
    try {
      scan(yaml, problems);
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
      problems.add("", "expected a mapping of policy keys at the top level, got " + describe(root), "");
      problems.throwIfAny();
    }

    Layer base = readLayer(root, "", true, problems);
    Map<String, Layer> accounts = new LinkedHashMap<>();
    Map<String, Layer> tenants = new LinkedHashMap<>();
    readOverrides(root.get(ACCOUNTS), ACCOUNTS, true, accounts, problems);
    readOverrides(root.get(TENANTS), TENANTS, false, tenants, problems);

    Policy basePolicy = build(base, null, "", Set.of(), problems);
    Set<String> baseProblems = basePolicy == null ? problems.policyMessages : Set.of();
    Map<String, Policy> accountPolicies = new LinkedHashMap<>();
    accounts.forEach((id, layer) -> accountPolicies.put(id,
        build(base, layer, ACCOUNTS + "." + id + ".", baseProblems, problems)));
    Map<String, Policy> tenantPolicies = new LinkedHashMap<>();
    tenants.forEach((name, layer) -> tenantPolicies.put(name,
        build(base, layer, TENANTS + "." + name + ".", baseProblems, problems)));
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
    long ms = d.toMillis();
    if (wholeDays(d)) {
      return ms / 86_400_000L + "d";
    } else if (ms != 0 && ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    } else if (ms != 0 && ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    } else if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /** The ISO-8601 form of {@code d}: in days from two whole days on ({@code P30D}), else {@link Duration#toString()} ({@code PT24H}). */
  static String isoForm(Duration d) {
    return wholeDays(d) ? "P" + d.toDays() + "D" : d.toString();
  }

  private static boolean wholeDays(Duration d) {
    return d.toMillis() % 86_400_000L == 0 && d.toDays() > 1;
  }

  // ---- reading -------------------------------------------------------------------------------

  /** The keys one mapping (the base, or one override) sets; absent keys are not in the maps. */
  private static final class Layer {
    final Map<Key, Object> values = new LinkedHashMap<>();
    final Map<AlertType, AlertFields> alerts = new EnumMap<>(AlertType.class);
  }

  /** The fields one mapping sets for one alert type; null where absent. */
  private record AlertFields(Severity severity, Set<Action> actions, String runbook) {}

  private static Layer readLayer(JsonNode node, String prefix, boolean top, Problems problems) {
    Layer layer = new Layer();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String name = e.getKey();
      String path = prefix + name;
      JsonNode v = e.getValue();
      Key key = BY_NAME.get(name);
      if (key != null) {
        Object value = readValue(key, v, path, problems);
        if (value != null) {
          layer.values.put(key, value);
        }
      } else if (ALERTS.equals(name)) {
        readAlerts(v, path, layer, problems);
      } else if (top && ROUTING.equals(name)) {
        continue;
      } else if (ACCOUNTS.equals(name) || TENANTS.equals(name)) {
        if (!top) {
          problems.add(path, "an override cannot contain further overrides (accounts and tenants belong at the "
              + "top level of the file)", path);
        }
      } else {
        problems.add(path, unknown("key", name, top ? KEYS : KEYS.subList(0, KEYS.size() - 2)), path);
      }
    }
    return layer;
  }

  private static Object readValue(Key key, JsonNode v, String path, Problems problems) {
    String expected = "expected " + key.expected() + ", got ";
    switch (key.kind()) {
      case DURATION -> {
        if (v.isTextual()) {
          try {
            return parseDuration(v.textValue());
          } catch (IllegalArgumentException e) {
            problems.add(path, expected + describe(v), path);
            return null;
          }
        }
        problems.add(path, expected + describe(v) + (v.isNumber() ? " (a number needs a unit: ms, s, m, h or d)" : ""),
            path);
        return null;
      }
      case COUNT -> {
        if (v.isIntegralNumber() && v.canConvertToInt()) {
          return v.intValue();
        }
        problems.add(path, expected + describe(v), path);
        return null;
      }
      case STRING -> {
        if (v.isTextual() && !v.textValue().isBlank()) {
          String s = v.textValue().strip();
          if ("minApproverAcr".equals(key.name()) && !s.equals(s.toLowerCase(Locale.ROOT))) {
            problems.add(path, "expected lower case (approverAcr is compared in lower case), got " + describe(v), path);
            return null;
          }
          return s;
        }
        problems.add(path, expected + describe(v), path);
        return null;
      }
      default -> {
        if (!v.isArray()) {
          problems.add(path, expected + describe(v), path);
          return null;
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < v.size(); i++) {
          JsonNode item = v.get(i);
          if (!item.isTextual() || item.textValue().isBlank()) {
            problems.add(path + "[" + i + "]", "expected a non-blank string, got " + describe(item), path);
            ok = false;
            continue;
          }
          String s = item.textValue().strip();
          if ("acrOrder".equals(key.name())) {
            if (!s.equals(s.toLowerCase(Locale.ROOT))) {
              problems.add(path + "[" + i + "]", "expected lower case (approverAcr is compared in lower case), got "
                  + describe(item), path);
              ok = false;
            } else if (out.contains(s)) {
              problems.add(path + "[" + i + "]", "'" + s + "' is listed twice (the order must be unambiguous)", path);
              ok = false;
            }
          }
          out.add(s);
        }
        return ok ? out : null;
      }
    }
  }

  private static void readAlerts(JsonNode node, String path, Layer layer, Problems problems) {
    if (isNothing(node)) {
      return;
    }
    if (!node.isObject()) {
      problems.add(path, "expected a mapping of alert type to severity, actions and runbook, got " + describe(node), path);
      return;
    }
    List<String> typeNames = Arrays.stream(AlertType.values()).map(Enum::name).toList();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String typePath = path + "." + e.getKey();
      AlertType type = typeNames.contains(e.getKey()) ? AlertType.valueOf(e.getKey()) : null;
      if (type == null) {
        problems.add(typePath, unknown("alert type", e.getKey(), typeNames), typePath);
        continue;
      }
      JsonNode fields = e.getValue();
      if (!fields.isObject()) {
        problems.add(typePath, "expected a mapping with severity, actions and/or runbook, got " + describe(fields),
            typePath);
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
              problems.add(fieldPath, "expected one of critical, high, medium, low, got " + describe(v), fieldPath);
            }
          }
          case "actions" -> actions = readActions(v, fieldPath, problems);
          case "runbook" -> {
            if (v.isTextual() && !v.textValue().isBlank()) {
              runbook = v.textValue().strip();
            } else {
              problems.add(fieldPath, "expected a link or anchor such as " + type.defaultRunbook() + ", got "
                  + describe(v), fieldPath);
            }
          }
          default -> problems.add(fieldPath, unknown("key", f.getKey(), ALERT_FIELDS), fieldPath);
        }
      }
      layer.alerts.put(type, new AlertFields(severity, actions, runbook));
    }
  }

  private static Set<Action> readActions(JsonNode v, String path, Problems problems) {
    String expected = "expected a list of page, notify, revoke such as [page, revoke] ([] to record the alert only), got ";
    if (!v.isArray()) {
      problems.add(path, expected + describe(v), path);
      return null;
    }
    Set<Action> out = EnumSet.noneOf(Action.class);
    boolean ok = true;
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      Action a = item.isTextual() ? action(item.textValue()) : null;
      if (a == null) {
        problems.add(path + "[" + i + "]", "expected page, notify or revoke, got " + describe(item), path);
        ok = false;
      } else {
        out.add(a);
      }
    }
    return ok ? out : null;
  }

  private static void readOverrides(JsonNode node, String section, boolean accounts, Map<String, Layer> out,
      Problems problems) {
    if (node == null || isNothing(node)) {
      return;
    }
    if (!node.isObject()) {
      problems.add(section, "expected a mapping of " + (accounts ? "12-digit AWS account id" : "tenant name")
          + " to policy keys, got " + describe(node), section);
      return;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String name = e.getKey();
      String path = section + "." + name;
      boolean valid = true;
      if (accounts && !ACCOUNT_ID.matcher(name).matches()) {
        problems.add(path, "expected a 12-digit AWS account id (quoted, e.g. \"123456789012\"), got '" + name + "'",
            path);
        valid = false;
      } else if (!accounts && name.isBlank()) {
        problems.add(path, "expected a non-blank tenant name", path);
        valid = false;
      }
      JsonNode v = e.getValue();
      if (!v.isObject()) {
        problems.add(path, "expected a mapping of policy keys to override, such as { rotationDeadline: 4h }, got "
            + describe(v), path);
        continue;
      }
      Layer layer = readLayer(v, path + ".", false, problems);
      if (valid) {
        out.put(name, layer);
      }
    }
  }

  // ---- building ------------------------------------------------------------------------------

  /**
   * Builds the defaults with {@code base} and then {@code override} (null for the base policy itself)
   * applied; the constructor's problems are added under {@code prefix}, except those the base policy
   * already reported ({@code inherited}). Returns null when the policy is invalid.
   */
  private static Policy build(Layer base, Layer override, String prefix, Set<String> inherited, Problems problems) {
    Policy.Builder b = Policy.defaults().toBuilder();
    base.values.forEach((k, v) -> k.setter().accept(b, v));
    if (override != null) {
      override.values.forEach((k, v) -> k.setter().accept(b, v));
    }
    Policy defaults = Policy.defaults();
    for (AlertType t : AlertType.values()) {
      AlertFields f = merge(base.alerts.get(t), override == null ? null : override.alerts.get(t));
      if (f != null) {
        AlertPolicy d = defaults.alert(t);
        b.alert(t, new AlertPolicy(f.severity() == null ? d.severity() : f.severity(),
            f.actions() == null ? d.actions() : f.actions(), f.runbook() == null ? d.runbook() : f.runbook()));
      }
    }
    try {
      return b.build();
    } catch (ConfigException e) {
      for (String m : e.problems()) {
        if (!inherited.contains(m)) {
          problems.addPolicyProblem(prefix, m);
        }
      }
      return null;
    }
  }

  private static AlertFields merge(AlertFields base, AlertFields override) {
    if (base == null || override == null) {
      return override == null ? base : override;
    }
    return new AlertFields(override.severity() != null ? override.severity() : base.severity(),
        override.actions() != null ? override.actions() : base.actions(),
        override.runbook() != null ? override.runbook() : base.runbook());
  }

  // ---- problems ------------------------------------------------------------------------------

  /**
   * Walks the YAML tokens once to learn the line of every key (for messages) and to report duplicate
   * keys and further documents, which the tree model would silently collapse or ignore.
   */
  private static void scan(String yaml, Problems problems) throws JsonProcessingException {
    record Frame(String path, boolean array, Set<String> seen, String[] field) {}
    try (JsonParser p = YAML.createParser(yaml)) {
      Deque<Frame> stack = new ArrayDeque<>();
      int documents = 0;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (stack.isEmpty() && ++documents == 2) {
          problems.addAt(p.currentTokenLocation().getLineNr(), "expected one YAML document, found a second one "
              + "(it would be ignored: merge it into the first)");
        }
        switch (t) {
          case START_OBJECT, START_ARRAY -> {
            Frame top = stack.peek();
            String path = top == null ? "" : top.array() ? top.path() : join(top.path(), top.field()[0]);
            stack.push(new Frame(path, t == JsonToken.START_ARRAY, new HashSet<>(), new String[1]));
          }
          case END_OBJECT, END_ARRAY -> stack.pop();
          case FIELD_NAME -> {
            Frame top = stack.peek();
            String name = p.currentName();
            String path = join(top.path(), name);
            int line = p.currentTokenLocation().getLineNr();
            top.field()[0] = name;
            if (!top.seen().add(name)) {
              problems.addAt(line, path + ": duplicate key (the first is on line " + problems.lines.get(path) + ")");
            } else {
              problems.lines.put(path, line);
            }
          }
          default -> { }
        }
      }
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("reading YAML from a string failed", e);
    }
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** Problems of one file, each with the line of its key where known; sorted by line when thrown. */
  private static final class Problems {
    private record Problem(Integer line, String text) {}

    final String source;
    final Map<String, Integer> lines = new HashMap<>();
    final List<Problem> list = new ArrayList<>();
    /** The base policy's own constructor messages, so overrides do not repeat them. */
    final Set<String> policyMessages = new HashSet<>();

    Problems(String source) {
      this.source = source;
    }

    void add(String path, String message, String linePath) {
      list.add(new Problem(lines.get(linePath), path.isEmpty() ? message : path + ": " + message));
    }

    void addAt(int line, String text) {
      list.add(new Problem(line, text));
    }

    /** A problem from the {@link Policy} constructor ({@code key: message}) of the policy at {@code prefix}. */
    void addPolicyProblem(String prefix, String message) {
      if (prefix.isEmpty()) {
        policyMessages.add(message);
      }
      int colon = message.indexOf(": ");
      String path = prefix + (colon < 0 ? message : message.substring(0, colon));
      String rest = colon < 0 ? "invalid" : message.substring(colon + 2);
      // the key's own line, else (a key the override does not set) the override's line
      Integer line = lines.get(path);
      if (line == null && !prefix.isEmpty()) {
        line = lines.get(prefix.substring(0, prefix.length() - 1));
      }
      list.add(new Problem(line, path + ": " + rest));
    }

    void throwIfAny() {
      if (list.isEmpty()) {
        return;
      }
      List<Problem> sorted = new ArrayList<>(list);
      sorted.sort(Comparator.comparing(Problem::line, Comparator.nullsLast(Comparator.naturalOrder())));
      throw new ConfigException(sorted.stream()
          .map(p -> source + ": " + p.text() + (p.line() == null ? "" : " (line " + p.line() + ")"))
          .toList());
    }
  }

  private static String unknown(String what, String name, List<String> known) {
    String nearest = nearest(name, known);
    return nearest != null
        ? "unknown " + what + ", did you mean " + nearest + "?"
        : "unknown " + what + "; expected one of " + String.join(", ", known);
  }

  /** The known name closest to {@code name} (ignoring case, '_' and '-'), if it is close enough to be a typo. */
  static String nearest(String name, List<String> known) {
    String n = normalize(name);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(n, normalize(k));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, n.length() / 4) ? best : null;
  }

  private static String normalize(String s) {
    return s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static Severity severity(String s) {
    for (Severity v : Severity.values()) {
      if (v.wireName().equalsIgnoreCase(s.strip())) {
        return v;
      }
    }
    return null;
  }

  private static Action action(String s) {
    for (Action v : Action.values()) {
      if (v.wireName().equalsIgnoreCase(s.strip())) {
        return v;
      }
    }
    return null;
  }

  /** Whether {@code v} is an empty value ({@code key:} with nothing after it reads as an empty string, {@code ~} as null). */
  private static boolean isNothing(JsonNode v) {
    return v == null || v.isNull() || v.isMissingNode() || v.isTextual() && v.textValue().isEmpty();
  }

  /** How a value is named in a message: {@code 'text'}, a number, {@code true}, {@code a list}, {@code a mapping}, {@code nothing}. */
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
