package io.glasswatch.streams.policy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The threshold keys of a policy file ({@link PolicyFile#KEYS} without the sections): each key's
 * name, its kind (duration, whole number, string, list of strings) and how it is read from and written
 * to a {@link Policy}; and the short and ISO-8601 forms of a duration used in messages.
 *
 * @param name the key as written in the file, e.g. {@code rotationDeadline}
 * @param kind what its value is
 * @param getter reads it from a policy (the example in {@link #expected()} is the default's value)
 * @param setter writes it to a policy builder
 */
record PolicyKey(String name, Kind kind, Function<Policy, Object> getter, BiConsumer<Policy.Builder, Object> setter) {
  /** What a key's value is. */
  enum Kind { DURATION, COUNT, STRING, STRINGS, ROSTER, SOURCES, NAMES }

  static PolicyKey duration(String name, Function<Policy, Duration> getter, BiConsumer<Policy.Builder, Duration> setter) {
    return new PolicyKey(name, Kind.DURATION, getter::apply, (b, v) -> setter.accept(b, (Duration) v));
  }

  static PolicyKey count(String name, Function<Policy, Integer> getter, BiConsumer<Policy.Builder, Integer> setter) {
    return new PolicyKey(name, Kind.COUNT, getter::apply, (b, v) -> setter.accept(b, (Integer) v));
  }

  static PolicyKey string(String name, Function<Policy, String> getter, BiConsumer<Policy.Builder, String> setter) {
    return new PolicyKey(name, Kind.STRING, getter::apply, (b, v) -> setter.accept(b, (String) v));
  }

  @SuppressWarnings("unchecked")
  static PolicyKey strings(String name, Function<Policy, List<String>> getter,
      BiConsumer<Policy.Builder, List<String>> setter) {
    return new PolicyKey(name, Kind.STRINGS, getter::apply, (b, v) -> setter.accept(b, (List<String>) v));
  }

  @SuppressWarnings("unchecked")
  static PolicyKey roster(String name, Function<Policy, Map<String, List<String>>> getter,
      BiConsumer<Policy.Builder, Map<String, List<String>>> setter) {
    return new PolicyKey(name, Kind.ROSTER, getter::apply, (b, v) -> setter.accept(b, (Map<String, List<String>>) v));
  }

  @SuppressWarnings("unchecked")
  static PolicyKey names(String name, Function<Policy, Map<String, String>> getter,
      BiConsumer<Policy.Builder, Map<String, String>> setter) {
    return new PolicyKey(name, Kind.NAMES, getter::apply, (b, v) -> setter.accept(b, (Map<String, String>) v));
  }

  @SuppressWarnings("unchecked")
  static PolicyKey sources(String name, Function<Policy, Map<String, SourcePolicy>> getter,
      BiConsumer<Policy.Builder, Map<String, SourcePolicy>> setter) {
    return new PolicyKey(name, Kind.SOURCES, getter::apply, (b, v) -> setter.accept(b, (Map<String, SourcePolicy>) v));
  }

  /** Every threshold key, in the order of {@code config/policy.yaml}. */
  static final List<PolicyKey> THRESHOLDS = List.of(
      PolicyKey.duration("skew", Policy::skew, Policy.Builder::skew),
      PolicyKey.duration("decisionDelay", Policy::decisionDelay, Policy.Builder::decisionDelay),
      PolicyKey.duration("rotationDeadline", Policy::rotationDeadline, Policy.Builder::rotationDeadline),
      PolicyKey.duration("rootSessionGap", Policy::rootSessionGap, Policy.Builder::rootSessionGap),
      PolicyKey.strings("requiredApproverRoles", Policy::requiredApproverRoles, Policy.Builder::requiredApproverRoles),
      PolicyKey.string("minApproverAcr", Policy::minApproverAcr, Policy.Builder::minApproverAcr),
      PolicyKey.strings("acrOrder", Policy::acrOrder, Policy.Builder::acrOrder),
      PolicyKey.duration("approvalMaxAge", Policy::approvalMaxAge, Policy.Builder::approvalMaxAge),
      PolicyKey.duration("maxGrantDuration", Policy::maxGrantDuration, Policy.Builder::maxGrantDuration),
      PolicyKey.duration("revokeDeadline", Policy::revokeDeadline, Policy.Builder::revokeDeadline),
      PolicyKey.count("repeatThreshold", Policy::repeatThreshold, Policy.Builder::repeatThreshold),
      PolicyKey.duration("repeatWindow", Policy::repeatWindow, Policy.Builder::repeatWindow),
      PolicyKey.count("deniedThreshold", Policy::deniedThreshold, Policy.Builder::deniedThreshold),
      PolicyKey.duration("deniedWindow", Policy::deniedWindow, Policy.Builder::deniedWindow),
      PolicyKey.duration("stateRetention", Policy::stateRetention, Policy.Builder::stateRetention),
      PolicyKey.duration("allowedLateness", Policy::allowedLateness, Policy.Builder::allowedLateness),
      PolicyKey.strings("rootAntipatternActions", Policy::rootAntipatternActions, Policy.Builder::rootAntipatternActions),
      PolicyKey.strings("breakGlassPrincipals", Policy::breakGlassPrincipals, Policy.Builder::breakGlassPrincipals),
      PolicyKey.roster("approvers", Policy::approvers, Policy.Builder::approvers),
      PolicyKey.count("approvalQuorum", Policy::approvalQuorum, Policy.Builder::approvalQuorum),
      PolicyKey.sources("sources", Policy::sources, Policy.Builder::sources),
      PolicyKey.strings("emergencyRoles", Policy::emergencyRoles, Policy.Builder::emergencyRoles),
      PolicyKey.names("identityCenterNames", Policy::identityCenterNames, Policy.Builder::identityCenterNames),
      PolicyKey.strings("gatewaySources", Policy::gatewaySources, Policy.Builder::gatewaySources));

  /** Keys whose value may be written as {@code ~} (null): not set. */
  static final java.util.Set<String> OPTIONAL = java.util.Set.of("breakGlassPrincipals", "approvalQuorum");

  /** The threshold keys by name, in file order. */
  static final Map<String, PolicyKey> BY_NAME =
      THRESHOLDS.stream().collect(Collectors.toMap(PolicyKey::name, k -> k, (a, b) -> a, LinkedHashMap::new));

  /** The expected form, with the default as the example, e.g. {@code a duration such as 24h or PT24H}. */
  String expected() {
    Object d = getter.apply(Policy.defaults());
    if ("breakGlassPrincipals".equals(name)) {
      return "a list of principal ids such as [alice, bob]";
    }
    if ("approvalQuorum".equals(name)) {
      return "a whole number such as 2";
    }
    if ("emergencyRoles".equals(name)) {
      return "a list of IAM role ARNs such as [arn:aws:iam::111122223333:role/break-glass-emergency]";
    }
    if ("gatewaySources".equals(name)) {
      return "a list of gateway source ids such as [ingest-http, jit-webhook]";
    }
    return switch (kind) {
      case ROSTER -> "a mapping of approver id to roles such as { carol: [incident_command] }";
      case NAMES -> "a mapping of permission set ARN or identity store user id to its name such as "
          + "{ arn:aws:sso:::permissionSet/ssoins-1/ps-1: BreakGlassAdmin }";
      case SOURCES -> "a mapping of " + String.join(" or ", SourcePolicy.NAMES)
          + " to approvalQuorum, approvers and/or approverAcr";
      case DURATION -> "a duration such as " + shortForm((Duration) d) + " or " + isoForm((Duration) d);
      case COUNT -> "a whole number such as " + d;
      case STRING -> "a string such as " + d;
      case STRINGS -> {
        List<?> l = (List<?>) d;
        yield "a list such as " + (l.size() <= 3 ? l.toString() : "[" + l.get(0) + ", " + l.get(1) + ", ...]");
      }
    };
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
}
