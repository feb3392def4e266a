package io.glasswatch.alerts.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.glasswatch.catalogue.Action;
import io.glasswatch.catalogue.AlertType;
import io.glasswatch.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which violations end sessions, from the policy file's {@code containment:} section (top level and
 * {@code accounts.<id>.containment}), plus the emergency roles (SPEC 1.6, {@code emergencyRoles}, top
 * level or per account) whose sessions an {@code EMERGENCY_ROLE_WITHOUT_REQUEST} contains.
 *
 * <pre>
 * containment:
 *   enabled: true                 # false: no containment anywhere
 *   alertTypes: [ ... ]           # default: every type whose default actions revoke, plus
 *                                 # EMERGENCY_ROLE_WITHOUT_REQUEST and SESSION_OUTLIVED_GRANT
 *   manualRevokes: true           # glasswatch revoke contains too
 * accounts:
 *   "123456789012":
 *     containment: { enabled: false }   # the off switch for one account
 * </pre>
 *
 * <p>Rule: a confirmed revoke caused by an alert of type {@code T} on account {@code A} contains when
 * containment is enabled for {@code A} (the account's {@code enabled}, else the top level's) and
 * {@code T} is in the account's {@code alertTypes} (else the top level's); a manual revoke contains when
 * {@code manualRevokes} is true; an expiry revoke never does (the grant ended as planned). Validation
 * reports every problem at once: unknown keys, unknown alert types, non-booleans, invalid account ids
 * and role ARNs.
 *
 * @param enabled top-level switch
 * @param alertTypes top-level alert types that contain
 * @param manualRevokes whether manual revokes contain
 * @param accountEnabled per-account switch
 * @param accountAlertTypes per-account alert types
 * @param emergencyRoles role ARNs by account id (the account of each ARN), from {@code emergencyRoles}
 */
public record ContainmentPolicy(boolean enabled, Set<String> alertTypes, boolean manualRevokes,
    Map<String, Boolean> accountEnabled, Map<String, Set<String>> accountAlertTypes,
    Map<String, List<String>> emergencyRoles) {
  /** The two alert types of SPEC 1.6 whose default action is containment. */
  public static final List<String> SESSION_TYPES = List.of("EMERGENCY_ROLE_WITHOUT_REQUEST", "SESSION_OUTLIVED_GRANT");
  /** The section's key. */
  public static final String KEY = "containment";

  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().build());
  private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/[\\w+=,.@/-]+");
  private static final List<String> KEYS = List.of("enabled", "alertTypes", "manualRevokes");

  /** Freezes. */
  public ContainmentPolicy {
    alertTypes = Set.copyOf(alertTypes);
    accountEnabled = Map.copyOf(accountEnabled);
    Map<String, Set<String>> a = new LinkedHashMap<>();
    accountAlertTypes.forEach((k, v) -> a.put(k, Set.copyOf(v)));
    accountAlertTypes = Map.copyOf(a);
    Map<String, List<String>> r = new LinkedHashMap<>();
    emergencyRoles.forEach((k, v) -> r.put(k, List.copyOf(v)));
    emergencyRoles = Map.copyOf(r);
  }

  /**
   * The default alert types: every catalogue type whose default actions include revoke, plus
   * {@link #SESSION_TYPES}.
   *
   * @return the names, sorted
   */
  public static Set<String> defaultAlertTypes() {
    Set<String> s = new TreeSet<>();
    for (AlertType t : AlertType.values()) {
      if (t.defaultActions().contains(Action.REVOKE)) {
        s.add(t.name());
      }
    }
    s.addAll(SESSION_TYPES);
    return s;
  }

  /**
   * Containment on, with the default types, no overrides and no emergency roles.
   *
   * @return the defaults
   */
  public static ContainmentPolicy defaults() {
    return new ContainmentPolicy(true, defaultAlertTypes(), true, Map.of(), Map.of(), Map.of());
  }

  /**
   * Whether a containment of this trigger and alert type on this account goes ahead.
   *
   * @param accountId target account
   * @param trigger revoke trigger ({@code alert}, {@code manual}, {@code expiry}) or {@code alert}
   * @param alertType the alert's type, or null
   * @return true when the policy contains it
   */
  public boolean contains(String accountId, String trigger, String alertType) {
    if (!accountEnabled.getOrDefault(accountId, enabled)) {
      return false;
    }
    return switch (trigger) {
      case "manual" -> manualRevokes;
      case "expiry" -> false;
      default -> alertType != null && accountAlertTypes.getOrDefault(accountId, alertTypes).contains(alertType);
    };
  }

  /**
   * Whether containment is on for an account.
   *
   * @param accountId the account
   * @return the account's switch, else the top level's
   */
  public boolean enabledFor(String accountId) {
    return accountEnabled.getOrDefault(accountId, enabled);
  }

  /**
   * The emergency roles in an account.
   *
   * @param accountId the account
   * @return role ARNs, possibly empty
   */
  public List<String> emergencyRolesIn(String accountId) {
    return emergencyRoles.getOrDefault(accountId, List.of());
  }

  /**
   * Reads the policy file.
   *
   * @param file the policy file, or null for {@link #defaults()}
   * @return the policy
   * @throws ConfigException listing every problem
   */
  public static ContainmentPolicy load(Path file) {
    if (file == null) {
      return defaults();
    }
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.getFileName().toString());
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read the policy file: " + e.getMessage()));
    }
  }

  /**
   * Parses a policy file's text.
   *
   * @param yaml the text
   * @param source how problems name it
   * @return the policy
   * @throws ConfigException listing every problem, each {@code <source>: <key path>: <problem>}
   */
  public static ContainmentPolicy parse(String yaml, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new ConfigException(List.of(source + ": not valid YAML: " + e.getMessage()));
    }
    List<String> problems = new ArrayList<>();
    boolean enabled = true;
    Set<String> types = defaultAlertTypes();
    boolean manual = true;
    Map<String, Boolean> accEnabled = new LinkedHashMap<>();
    Map<String, Set<String>> accTypes = new LinkedHashMap<>();
    Map<String, List<String>> roles = new LinkedHashMap<>();
    if (root != null && root.isObject()) {
      JsonNode c = root.get(KEY);
      if (c != null && !c.isNull()) {
        Section s = section(c, KEY, source, problems);
        enabled = s.enabled == null ? enabled : s.enabled;
        types = s.types == null ? types : s.types;
        manual = s.manual == null ? manual : s.manual;
      }
      roles(root.get("emergencyRoles"), "emergencyRoles", null, source, roles, problems);
      JsonNode accounts = root.get("accounts");
      if (accounts != null && accounts.isObject()) {
        for (Map.Entry<String, JsonNode> e : accounts.properties()) {
          String id = e.getKey();
          if (!id.matches("\\d{12}")) {
            continue; // the streams app's PolicyFile reports invalid account ids
          }
          JsonNode ac = e.getValue().get(KEY);
          if (ac != null && !ac.isNull()) {
            Section s = section(ac, "accounts." + id + "." + KEY, source, problems);
            if (s.enabled != null) {
              accEnabled.put(id, s.enabled);
            }
            if (s.types != null) {
              accTypes.put(id, s.types);
            }
            if (s.manual != null) {
              problems.add(source + ": accounts." + id + "." + KEY + ".manualRevokes: only at the top level");
            }
          }
          roles(e.getValue().get("emergencyRoles"), "accounts." + id + ".emergencyRoles", id, source, roles, problems);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new ContainmentPolicy(enabled, types, manual, accEnabled, accTypes, roles);
  }

  private static final class Section {
    Boolean enabled;
    Set<String> types;
    Boolean manual;
  }

  private static Section section(JsonNode c, String path, String source, List<String> problems) {
    Section s = new Section();
    if (!c.isObject()) {
      problems.add(source + ": " + path + ": expected a mapping of " + KEYS);
      return s;
    }
    Set<String> known = new LinkedHashSet<>();
    for (AlertType t : AlertType.values()) {
      known.add(t.name());
    }
    known.addAll(SESSION_TYPES);
    for (Map.Entry<String, JsonNode> e : c.properties()) {
      String p = path + "." + e.getKey();
      JsonNode v = e.getValue();
      switch (e.getKey()) {
        case "enabled", "manualRevokes" -> {
          if (!v.isBoolean()) {
            problems.add(source + ": " + p + ": expected true or false, got '" + v.asText() + "'");
          } else if ("enabled".equals(e.getKey())) {
            s.enabled = v.asBoolean();
          } else {
            s.manual = v.asBoolean();
          }
        }
        case "alertTypes" -> {
          if (!v.isArray()) {
            problems.add(source + ": " + p + ": expected a list of alert types such as [UNAUTHORIZED_ROOT_USE]");
            continue;
          }
          Set<String> types = new TreeSet<>();
          for (JsonNode t : v) {
            if (!known.contains(t.asText())) {
              problems.add(source + ": " + p + ": unknown alert type '" + t.asText() + "'");
            } else {
              types.add(t.asText());
            }
          }
          s.types = types;
        }
        default -> problems.add(source + ": " + p + ": unknown key; expected one of " + KEYS);
      }
    }
    return s;
  }

  private static void roles(JsonNode v, String path, String account, String source, Map<String, List<String>> out,
      List<String> problems) {
    if (v == null || v.isNull()) {
      return;
    }
    if (!v.isArray()) {
      problems.add(source + ": " + path + ": expected a list of IAM role ARNs");
      return;
    }
    for (JsonNode n : v) {
      var m = ROLE_ARN.matcher(n.asText());
      if (!m.matches()) {
        problems.add(source + ": " + path + ": expected an IAM role ARN arn:aws:iam::<account id>:role/<name>, got '"
            + n.asText() + "'");
        continue;
      }
      String acct = m.group(1);
      if (account != null && !account.equals(acct)) {
        problems.add(source + ": " + path + ": role " + n.asText() + " is not in account " + account);
        continue;
      }
      List<String> list = out.computeIfAbsent(acct, k -> new ArrayList<>());
      if (!list.contains(n.asText())) {
        list.add(n.asText());
      }
    }
  }
}
