package io.glasswatch.streams.policy;

import io.glasswatch.catalogue.AlertPolicy;

import io.glasswatch.catalogue.AlertType;

import io.glasswatch.config.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every threshold and deadline of detection (SPEC sections 2 and 3), immutable and validated when
 * constructed. {@link #defaults()} gives the SPEC defaults; {@link #toBuilder()} derives a variant.
 *
 * @param skew tolerance around a grant window: an event at {@code t} is covered when
 *     {@code grantedAt - skew <= t <= expiresAt + skew} (default 2 min)
 * @param decisionDelay the upper bound of the wait for a covering grant (default 5 min): live, a root
 *     event no grant covers is paged as soon as every gateway source reported progress past its time
 *     ({@code gatewaySources}), and at the latest when the wall clock passes its time plus this; the
 *     page stands for good, and its revoke is issued, only when deadline time passes its time plus this
 *     with no covering grant (a later one resolves the page and spares the revoke). Replay decides at
 *     event time plus this, with the whole input
 * @param rotationDeadline time after a root session ends within which the root credentials must be
 *     rotated (default 24 h)
 * @param rootSessionGap consecutive unauthorized root events at most this far apart belong to one
 *     session (default 1 h)
 * @param requiredApproverRoles approver roles every request needs ({@code incident_command}, {@code security})
 * @param approvalMaxAge longest time from the oldest required approval to the grant (default 30 min)
 * @param maxGrantDuration longest allowed {@code expiresAt - grantedAt} (default 1 h)
 * @param revokeDeadline time by which an auto-revoke must be confirmed (default 60 s)
 * @param repeatThreshold most requests one subject may make in {@code repeatWindow} (default 3)
 * @param repeatWindow window of {@code repeatThreshold} (default 30 days)
 * @param deniedThreshold denied usages of one request that raise DENIED_ATTEMPTS (default 5)
 * @param deniedWindow window of {@code deniedThreshold} (default 10 min)
 * @param stateRetention how long, in event time, correlation state and de-duplication keys are kept
 *     after they stop mattering (default 7 days): a CloudTrail record re-delivered later than this
 *     counts again
 * @param alerts severity, actions and runbook of every alert type (must name every {@link AlertType})
 * @param minApproverAcr lowest approver authentication context class that is not weak (default
 *     {@code loa2}); must be one of {@code acrOrder}
 * @param acrOrder authentication context classes from weakest to strongest (default
 *     {@code loa1, loa2, loa3, loa4}); an ACR not in the list counts as weaker than all of them
 * @param allowedLateness in live operation, how far behind the wall clock event time may lag before
 *     deadlines are evaluated anyway on a partition that receives nothing (default 10 min); replay
 *     judges by event time alone and ignores it
 * @param rootAntipatternActions CloudTrail {@code eventName}s a root caller must not use, {@code *}
 *     as a wildcard (default {@code CreateUser, CreateAccessKey, CreateLoginProfile,
 *     UpdateLoginProfile, Put*Policy, Attach*Policy, CreateRole, CreateGroup})
 * @param accountPolicies effective policies of single AWS accounts (no nested overrides), e.g. a
 *     stricter rotation deadline on the production account
 * @param tenantPolicies effective policies of single tenants (no nested overrides)
 * @param breakGlassPrincipals principals allowed to break glass (SPEC 1.5), null: no restriction
 * @param approvers approver roster, approver id to roles (SPEC 1.5)
 * @param approvalQuorum distinct approvers required instead of the roles, or null
 * @param sources per-source approval settings (SPEC 1.5)
 * @param emergencyRoles IAM role ARNs of emergency roles (SPEC 1.6): an {@code AssumeRole} of one is
 *     break-glass use that an approved request of the same subject must cover; empty by default
 * @param identityCenterNames static names for attribution without AWS calls (SPEC 1.6, offline replay):
 *     permission set ARN to permission set name, and identity store user id to user name; empty by default
 * @param gatewaySources the gateway-side sources (ids such as {@code ingest-http}, {@code jit-webhook},
 *     {@code tail:gateway}, {@code jit-stream}) that report progress marks (README, "Source progress"):
 *     live, a root event no grant covers is paged once every one of them reported progress past its time,
 *     and at the latest {@code decisionDelay} after it; with none configured (the default, {@code []}) it
 *     is paged at once. Read from the top level only; replay ignores it (it decides in event time)
 */
public record Policy(
    Duration skew,
    Duration decisionDelay,
    Duration rotationDeadline,
    Duration rootSessionGap,
    List<String> requiredApproverRoles,
    Duration approvalMaxAge,
    Duration maxGrantDuration,
    Duration revokeDeadline,
    int repeatThreshold,
    Duration repeatWindow,
    int deniedThreshold,
    Duration deniedWindow,
    Duration stateRetention,
    Map<AlertType, AlertPolicy> alerts,
    String minApproverAcr,
    List<String> acrOrder,
    Duration allowedLateness,
    List<String> rootAntipatternActions,
    Map<String, Policy> accountPolicies,
    Map<String, Policy> tenantPolicies,
    List<String> breakGlassPrincipals,
    Map<String, List<String>> approvers,
    Integer approvalQuorum,
    Map<String, SourcePolicy> sources,
    List<String> emergencyRoles,
    Map<String, String> identityCenterNames,
    List<String> gatewaySources) {

  /**
   * Validates every field at once.
   *
   * @throws ConfigException listing every invalid field (null, negative or zero where a positive
   *     duration is needed, empty approver roles, missing alert types)
   */
  public Policy {
    List<String> problems = new ArrayList<>();
    nonNegative("skew", skew, problems);
    nonNegative("decisionDelay", decisionDelay, problems);
    positive("rotationDeadline", rotationDeadline, problems);
    positive("rootSessionGap", rootSessionGap, problems);
    positive("approvalMaxAge", approvalMaxAge, problems);
    positive("maxGrantDuration", maxGrantDuration, problems);
    positive("revokeDeadline", revokeDeadline, problems);
    positive("repeatWindow", repeatWindow, problems);
    positive("deniedWindow", deniedWindow, problems);
    positive("stateRetention", stateRetention, problems);
    if (repeatThreshold < 1) {
      problems.add("repeatThreshold: expected a positive count, got " + repeatThreshold);
    }
    if (deniedThreshold < 1) {
      problems.add("deniedThreshold: expected a positive count, got " + deniedThreshold);
    }
    if (requiredApproverRoles == null || requiredApproverRoles.isEmpty()
        || requiredApproverRoles.stream().anyMatch(r -> r == null || r.isBlank())) {
      problems.add("requiredApproverRoles: expected at least one non-blank role");
    }
    if (alerts == null) {
      problems.add("alerts: expected a policy for every alert type");
    } else {
      for (AlertType t : AlertType.values()) {
        if (alerts.get(t) == null) {
          problems.add("alerts." + t + ": missing");
        }
      }
    }
    if (stateRetention != null && rotationDeadline != null && decisionDelay != null
        && stateRetention.compareTo(rotationDeadline.plus(decisionDelay)) <= 0) {
      problems.add("stateRetention: must exceed rotationDeadline + decisionDelay, got " + stateRetention);
    }
    if (acrOrder == null || acrOrder.isEmpty() || acrOrder.stream().anyMatch(a -> a == null || a.isBlank())) {
      problems.add("acrOrder: expected at least one non-blank authentication context class, weakest first");
    } else if (minApproverAcr == null || !acrOrder.contains(minApproverAcr)) {
      problems.add("minApproverAcr: expected one of " + acrOrder + ", got " + minApproverAcr);
    }
    nonNegative("allowedLateness", allowedLateness, problems);
    if (rootAntipatternActions == null || rootAntipatternActions.stream()
        .anyMatch(a -> a == null || !a.matches("[A-Za-z0-9*]+"))) {
      problems.add("rootAntipatternActions: expected CloudTrail eventNames with optional * wildcards");
    }
    if (accountPolicies == null || tenantPolicies == null) {
      problems.add("accountPolicies, tenantPolicies: expected maps (empty when there are no overrides)");
    } else {
      for (var e : accountPolicies.entrySet()) {
        if (!e.getKey().matches("\\d{12}")) {
          problems.add("accounts." + e.getKey() + ": expected a 12-digit AWS account id");
        }
        if (e.getValue() == null || !e.getValue().accountPolicies().isEmpty() || !e.getValue().tenantPolicies().isEmpty()) {
          problems.add("accounts." + e.getKey() + ": an override may not contain further overrides");
        }
      }
      for (var e : tenantPolicies.entrySet()) {
        if (e.getValue() == null || !e.getValue().accountPolicies().isEmpty() || !e.getValue().tenantPolicies().isEmpty()) {
          problems.add("tenants." + e.getKey() + ": an override may not contain further overrides");
        }
      }
    }
    AccessRules.validate(breakGlassPrincipals, approvers, approvalQuorum, sources, acrOrder, problems);
    EmergencyRoles.validate(emergencyRoles, identityCenterNames, problems);
    if (gatewaySources == null || gatewaySources.stream().anyMatch(g -> g == null || !g.matches(GATEWAY_SOURCE_ID))) {
      problems.add("gatewaySources: expected a list of gateway source ids (letters, digits, '.', '_', ':', '/',"
          + " '-'), got " + gatewaySources);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    breakGlassPrincipals = breakGlassPrincipals == null ? null : List.copyOf(breakGlassPrincipals);
    emergencyRoles = List.copyOf(emergencyRoles);
    identityCenterNames = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(identityCenterNames));
    approvers = AccessRules.copy(approvers);
    sources = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(sources));
    requiredApproverRoles = List.copyOf(requiredApproverRoles);
    alerts = Map.copyOf(new EnumMap<>(alerts));
    acrOrder = List.copyOf(acrOrder);
    rootAntipatternActions = List.copyOf(rootAntipatternActions);
    gatewaySources = List.copyOf(new java.util.TreeSet<>(gatewaySources));
    accountPolicies = Map.copyOf(accountPolicies);
    tenantPolicies = Map.copyOf(tenantPolicies);
  }

  /** Default {@link #rootAntipatternActions()}: SPEC section 3, ROOT_ANTIPATTERN. */
  public static final List<String> DEFAULT_ROOT_ANTIPATTERN_ACTIONS = List.of("CreateUser", "CreateAccessKey",
      "CreateLoginProfile", "UpdateLoginProfile", "Put*Policy", "Attach*Policy", "CreateRole", "CreateGroup");

  /**
   * The policy in force for an event of {@code accountId} and {@code tenant} (either may be null):
   * the account's override if there is one, else the tenant's, else this policy. An account
   * override is the more specific and wins over a tenant override.
   */
  public Policy resolve(String accountId, String tenant) {
    if (accountId != null) {
      Policy p = accountPolicies.get(accountId);
      if (p != null) {
        return p;
      }
    }
    if (tenant != null) {
      Policy p = tenantPolicies.get(tenant);
      if (p != null) {
        return p;
      }
    }
    return this;
  }

  /**
   * Whether {@code acr} is weaker than {@link #minApproverAcr()} in {@link #acrOrder()}; null or an
   * unlisted ACR is weak.
   */
  public boolean isWeakAcr(String acr) {
    int rank = acr == null ? -1 : acrOrder.indexOf(acr.toLowerCase(java.util.Locale.ROOT));
    return rank < acrOrder.indexOf(minApproverAcr);
  }

  /**
   * Whether {@code principal} may take break-glass access under this policy (SPEC 1.5): true when
   * {@link #breakGlassPrincipals()} is absent, else when it lists the principal (trimmed,
   * case-insensitive). A null or blank principal is not listed.
   */
  public boolean allowsBreakGlass(String principal) {
    return AccessRules.listed(breakGlassPrincipals, principal);
  }

  /**
   * The approval quorum in force for a request read from {@code source} (null: a canonical gateway
   * event): the source's {@code approvalQuorum} (default 1), else the top-level {@code approvalQuorum};
   * null means {@link #requiredApproverRoles()} apply.
   */
  public Integer approvalQuorumFor(String source) {
    SourcePolicy sp = source == null ? null : sources.get(source);
    return sp != null && sp.approvalQuorum() != null ? sp.approvalQuorum() : approvalQuorum;
  }

  /**
   * The roles of {@code approver} in the roster in force for {@code source} (the source's
   * {@code approvers} over the top-level ones; ids trimmed, case-insensitive); empty when unlisted.
   */
  public List<String> rosterRoles(String source, String approver) {
    SourcePolicy sp = source == null ? null : sources.get(source);
    List<String> roles = sp == null ? null : AccessRules.lookup(sp.approvers(), approver);
    return roles != null ? roles : java.util.Objects.requireNonNullElse(AccessRules.lookup(approvers, approver), List.of());
  }

  /** The assurance of an approval from {@code source} whose record asserts {@code asserted} (may be null). */
  public String approverAcrFor(String source, String asserted) {
    if (asserted != null && !asserted.isBlank()) {
      return asserted;
    }
    SourcePolicy sp = source == null ? null : sources.get(source);
    return sp == null ? null : sp.approverAcr();
  }

  /**
   * Whether {@code roleArn} is one of {@link #emergencyRoles()} (SPEC 1.6), compared ignoring case and an IAM
   * path: {@code arn:aws:iam::111122223333:role/ops/break-glass} matches a listed
   * {@code arn:aws:iam::111122223333:role/break-glass} and the reverse. Null is not listed.
   */
  public boolean isEmergencyRole(String roleArn) {
    return EmergencyRoles.listed(emergencyRoles, roleArn);
  }

  /**
   * The static name of {@code id} in {@link #identityCenterNames()} (a permission set ARN or an identity store
   * user id, compared exactly), or null.
   */
  public String identityCenterName(String id) {
    return id == null ? null : identityCenterNames.get(id);
  }

  /** Whether a root call named {@code eventName} is an antipattern ({@link #rootAntipatternActions()}, {@code *} wildcards). */
  public boolean isRootAntipattern(String eventName) {
    if (eventName == null) {
      return false;
    }
    for (String pattern : rootAntipatternActions) {
      if (eventName.matches(pattern.replace("*", "[A-Za-z0-9]*"))) {
        return true;
      }
    }
    return false;
  }

  /** The SPEC defaults. */
  public static Policy defaults() {
    Map<AlertType, AlertPolicy> alerts = new EnumMap<>(AlertType.class);
    for (AlertType t : AlertType.values()) {
      alerts.put(t, AlertPolicy.defaultsOf(t));
    }
    return new Policy(Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofHours(24), Duration.ofHours(1),
        List.of("incident_command", "security"), Duration.ofMinutes(30), Duration.ofHours(1),
        Duration.ofSeconds(60), 3, Duration.ofDays(30), 5, Duration.ofMinutes(10), Duration.ofDays(7), alerts,
        "loa2", List.of("loa1", "loa2", "loa3", "loa4"), Duration.ofMinutes(10), DEFAULT_ROOT_ANTIPATTERN_ACTIONS,
        Map.of(), Map.of(), null, Map.of(), null, SourcePolicy.defaults(), List.of(), Map.of(), List.of());
  }

  /** Form of a gateway source id ({@link #gatewaySources()}), e.g. {@code ingest-http} or {@code tail:/var/log/gw.log}. */
  public static final String GATEWAY_SOURCE_ID = "[A-Za-z0-9._:/-]+";

  /** The policy of one alert type. */
  public AlertPolicy alert(AlertType type) {
    return alerts.get(type);
  }

  /**
   * A one-line summary for start-up logs: every threshold, and the alert types whose policy differs
   * from the catalogue defaults.
   */
  @Override
  public String toString() {
    List<String> changed = new ArrayList<>();
    for (AlertType t : AlertType.values()) {
      if (!AlertPolicy.defaultsOf(t).equals(alerts.get(t))) {
        changed.add(t + "=" + alerts.get(t));
      }
    }
    return "Policy[skew=" + skew + ", decisionDelay=" + decisionDelay + ", rotationDeadline=" + rotationDeadline
        + ", rootSessionGap=" + rootSessionGap + ", requiredApproverRoles=" + requiredApproverRoles
        + ", approvalMaxAge=" + approvalMaxAge + ", maxGrantDuration=" + maxGrantDuration + ", revokeDeadline="
        + revokeDeadline + ", repeatThreshold=" + repeatThreshold + ", repeatWindow=" + repeatWindow
        + ", deniedThreshold=" + deniedThreshold + ", deniedWindow=" + deniedWindow + ", stateRetention="
        + stateRetention + ", minApproverAcr=" + minApproverAcr + ", acrOrder=" + acrOrder + ", allowedLateness="
        + allowedLateness + ", rootAntipatternActions=" + rootAntipatternActions + ", alerts="
        + (changed.isEmpty() ? "catalogue defaults" : changed) + ", accounts=" + accountPolicies.keySet()
        + ", tenants=" + tenantPolicies.keySet() + ", breakGlassPrincipals="
        + (breakGlassPrincipals == null ? "any" : breakGlassPrincipals) + ", approvers=" + approvers.keySet()
        + ", approvalQuorum=" + approvalQuorum + ", sources=" + sources + ", emergencyRoles=" + emergencyRoles
        + ", identityCenterNames=" + identityCenterNames.size() + ", gatewaySources=" + gatewaySources + "]";
  }

  /** A builder starting from this policy's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  private static void positive(String name, Duration d, List<String> problems) {
    if (d == null || d.isNegative() || d.isZero()) {
      problems.add(name + ": expected a positive duration, got " + d);
    }
  }

  private static void nonNegative(String name, Duration d, List<String> problems) {
    if (d == null || d.isNegative()) {
      problems.add(name + ": expected a duration >= 0, got " + d);
    }
  }

  /** Mutable builder of a {@link Policy}; {@link #build()} validates. */
  public static final class Builder {
    private Duration skew;
    private Duration decisionDelay;
    private Duration rotationDeadline;
    private Duration rootSessionGap;
    private List<String> requiredApproverRoles;
    private Duration approvalMaxAge;
    private Duration maxGrantDuration;
    private Duration revokeDeadline;
    private int repeatThreshold;
    private Duration repeatWindow;
    private int deniedThreshold;
    private Duration deniedWindow;
    private Duration stateRetention;
    private final Map<AlertType, AlertPolicy> alerts;
    private String minApproverAcr;
    private List<String> acrOrder;
    private Duration allowedLateness;
    private List<String> rootAntipatternActions;
    private final Map<String, Policy> accountPolicies;
    private final Map<String, Policy> tenantPolicies;
    private List<String> breakGlassPrincipals;
    private Map<String, List<String>> approvers;
    private Integer approvalQuorum;
    private final Map<String, SourcePolicy> sources;
    private List<String> emergencyRoles;
    private Map<String, String> identityCenterNames;
    private List<String> gatewaySources;

    private Builder(Policy p) {
      skew = p.skew;
      decisionDelay = p.decisionDelay;
      rotationDeadline = p.rotationDeadline;
      rootSessionGap = p.rootSessionGap;
      requiredApproverRoles = p.requiredApproverRoles;
      approvalMaxAge = p.approvalMaxAge;
      maxGrantDuration = p.maxGrantDuration;
      revokeDeadline = p.revokeDeadline;
      repeatThreshold = p.repeatThreshold;
      repeatWindow = p.repeatWindow;
      deniedThreshold = p.deniedThreshold;
      deniedWindow = p.deniedWindow;
      stateRetention = p.stateRetention;
      alerts = new EnumMap<>(p.alerts);
      minApproverAcr = p.minApproverAcr;
      acrOrder = p.acrOrder;
      allowedLateness = p.allowedLateness;
      rootAntipatternActions = p.rootAntipatternActions;
      accountPolicies = new java.util.TreeMap<>(p.accountPolicies);
      tenantPolicies = new java.util.TreeMap<>(p.tenantPolicies);
      breakGlassPrincipals = p.breakGlassPrincipals;
      approvers = p.approvers;
      approvalQuorum = p.approvalQuorum;
      sources = new java.util.TreeMap<>(p.sources);
      emergencyRoles = p.emergencyRoles;
      identityCenterNames = p.identityCenterNames;
      gatewaySources = p.gatewaySources;
    }

    /** Sets {@link Policy#emergencyRoles()}. */
    public Builder emergencyRoles(List<String> v) {
      emergencyRoles = v;
      return this;
    }

    /** Sets {@link Policy#identityCenterNames()}. */
    public Builder identityCenterNames(Map<String, String> v) {
      identityCenterNames = v;
      return this;
    }

    /** Sets {@link Policy#minApproverAcr()}. */
    public Builder minApproverAcr(String v) {
      minApproverAcr = v;
      return this;
    }

    /** Sets {@link Policy#acrOrder()}. */
    public Builder acrOrder(List<String> v) {
      acrOrder = v;
      return this;
    }

    /** Sets {@link Policy#allowedLateness()}. */
    public Builder allowedLateness(Duration v) {
      allowedLateness = v;
      return this;
    }

    /** Sets {@link Policy#rootAntipatternActions()}. */
    public Builder rootAntipatternActions(List<String> v) {
      rootAntipatternActions = v;
      return this;
    }

    /** Sets the override of one AWS account (a policy without overrides of its own). */
    public Builder account(String accountId, Policy v) {
      accountPolicies.put(accountId, v);
      return this;
    }

    /** Sets the override of one tenant (a policy without overrides of its own). */
    public Builder tenant(String tenant, Policy v) {
      tenantPolicies.put(tenant, v);
      return this;
    }

    /** Sets {@link Policy#skew()}. */
    public Builder skew(Duration v) {
      skew = v;
      return this;
    }

    /** Sets {@link Policy#decisionDelay()}. */
    public Builder decisionDelay(Duration v) {
      decisionDelay = v;
      return this;
    }

    /** Sets {@link Policy#rotationDeadline()}. */
    public Builder rotationDeadline(Duration v) {
      rotationDeadline = v;
      return this;
    }

    /** Sets {@link Policy#rootSessionGap()}. */
    public Builder rootSessionGap(Duration v) {
      rootSessionGap = v;
      return this;
    }

    /** Sets {@link Policy#requiredApproverRoles()}. */
    public Builder requiredApproverRoles(List<String> v) {
      requiredApproverRoles = v;
      return this;
    }

    /** Sets {@link Policy#approvalMaxAge()}. */
    public Builder approvalMaxAge(Duration v) {
      approvalMaxAge = v;
      return this;
    }

    /** Sets {@link Policy#maxGrantDuration()}. */
    public Builder maxGrantDuration(Duration v) {
      maxGrantDuration = v;
      return this;
    }

    /** Sets {@link Policy#revokeDeadline()}. */
    public Builder revokeDeadline(Duration v) {
      revokeDeadline = v;
      return this;
    }

    /** Sets {@link Policy#repeatThreshold()}. */
    public Builder repeatThreshold(int v) {
      repeatThreshold = v;
      return this;
    }

    /** Sets {@link Policy#repeatWindow()}. */
    public Builder repeatWindow(Duration v) {
      repeatWindow = v;
      return this;
    }

    /** Sets {@link Policy#deniedThreshold()}. */
    public Builder deniedThreshold(int v) {
      deniedThreshold = v;
      return this;
    }

    /** Sets {@link Policy#deniedWindow()}. */
    public Builder deniedWindow(Duration v) {
      deniedWindow = v;
      return this;
    }

    /** Sets {@link Policy#stateRetention()}. */
    public Builder stateRetention(Duration v) {
      stateRetention = v;
      return this;
    }

    /** Replaces the policy of one alert type. */
    public Builder alert(AlertType type, AlertPolicy v) {
      alerts.put(type, v);
      return this;
    }

    /**
     * The validated policy.
     *
     * @throws ConfigException listing every invalid field
     */
    public Policy build() {
      return new Policy(skew, decisionDelay, rotationDeadline, rootSessionGap, requiredApproverRoles, approvalMaxAge,
          maxGrantDuration, revokeDeadline, repeatThreshold, repeatWindow, deniedThreshold, deniedWindow,
          stateRetention, alerts, minApproverAcr, acrOrder, allowedLateness, rootAntipatternActions,
          accountPolicies, tenantPolicies, breakGlassPrincipals, approvers, approvalQuorum, sources, emergencyRoles,
          identityCenterNames, gatewaySources);
    }

    /** Principals allowed to break glass (SPEC 1.5); null: no restriction. */
    public Builder breakGlassPrincipals(List<String> v) {
      breakGlassPrincipals = v;
      return this;
    }

    /** The approver roster: approver id to roles (SPEC 1.5). */
    public Builder approvers(Map<String, List<String>> v) {
      approvers = v;
      return this;
    }

    /** Distinct approvers required instead of {@code requiredApproverRoles}; null: the roles apply. */
    public Builder approvalQuorum(Integer v) {
      approvalQuorum = v;
      return this;
    }

    /** Sets {@link Policy#gatewaySources()}. */
    public Builder gatewaySources(List<String> v) {
      gatewaySources = v;
      return this;
    }

    /** Per-source settings, merged field by field over those already set (the defaults, a lower layer). */
    public Builder sources(Map<String, SourcePolicy> v) {
      v.forEach((name, sp) -> sources.merge(name, sp, SourcePolicy::with));
      return this;
    }
  }
}
