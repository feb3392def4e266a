package io.glasswatch.streams.detection;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.Hashing;
import io.glasswatch.catalogue.Action;
import io.glasswatch.catalogue.AlertPolicy;
import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Builds an {@link Alert} per SPEC section 3. Rule: {@code alertId =
 * Hashing.deterministicId(alertType, correlationId, <defining evidence ids>...)}, where the defining
 * ids are the inputs that make the violation (e.g. the first event of a root session), not every
 * piece of evidence known at the decision; so the same violation always has the same id, also when
 * later evidence arrives. Severity, actions and runbook come from the {@link Policy}.
 */
public final class AlertBuilder {
  private final AlertPolicy policy;
  private final AlertType type;
  private String correlationId;
  private String requestId;
  private String accountId;
  private String subject;
  private String tenant;
  private final List<String> defining = new ArrayList<>();
  private final LinkedHashSet<String> evidence = new LinkedHashSet<>();
  private long detectedAt;
  private long eventTime;
  private String summary;
  private long evidenceOmitted;
  private final List<String> revokedRequestIds = new ArrayList<>();

  private AlertBuilder(Policy policy, AlertType type) {
    this.policy = policy.alert(type);
    this.type = type;
  }

  /** A builder for an alert of {@code type} under {@code policy}. */
  public static AlertBuilder of(Policy policy, AlertType type) {
    return new AlertBuilder(policy, type);
  }

  /** Correlation id: request id or {@code account:<accountId>} (required). */
  public AlertBuilder correlationId(String v) {
    correlationId = v;
    return this;
  }

  /** Request id, or null. */
  public AlertBuilder requestId(String v) {
    requestId = v;
    return this;
  }

  /** AWS account id, or null. */
  public AlertBuilder accountId(String v) {
    accountId = v;
    return this;
  }

  /** Tenant of the request, or null (on-call routing may match it). */
  public AlertBuilder tenant(String v) {
    tenant = v;
    return this;
  }

  /** Subject of the request, or the CloudTrail identity, or null. */
  public AlertBuilder subject(String v) {
    subject = v;
    return this;
  }

  /** Ids that define the violation: part of the alert id and listed first in the evidence. */
  public AlertBuilder defining(String... ids) {
    for (String id : ids) {
      defining.add(id);
      evidence.add(id);
    }
    return this;
  }

  /** Further evidence ids (duplicates ignored, order kept). */
  public AlertBuilder evidence(Iterable<String> ids) {
    ids.forEach(evidence::add);
    return this;
  }

  /**
   * Event ids left out of a capped evidence list (0 or more, added up): the alert's summary then says that
   * its evidence is truncated and how many ids were left out.
   */
  public AlertBuilder evidenceOmitted(long n) {
    evidenceOmitted += Math.max(0, n);
    return this;
  }

  /** Stream time at the decision, epoch milliseconds. */
  public AlertBuilder detectedAt(long v) {
    detectedAt = v;
    return this;
  }

  /** Event time of the violating event, epoch milliseconds. */
  public AlertBuilder eventTime(long v) {
    eventTime = v;
    return this;
  }

  /** One sentence for a human. */
  public AlertBuilder summary(String v) {
    summary = v;
    return this;
  }

  /** Appends a sentence to the summary (for example the overlapping grants a revoke also ends). */
  public AlertBuilder appendSummary(String sentence) {
    summary = summary == null ? sentence : summary + " " + sentence;
    return this;
  }

  /** Requests whose grants this alert revokes. */
  public AlertBuilder revokedRequestIds(List<String> ids) {
    revokedRequestIds.addAll(ids);
    return this;
  }

  /** The alert type's policy. */
  public AlertPolicy policy() {
    return policy;
  }

  /** Whether the policy of this alert type includes {@code action}. */
  public boolean has(Action action) {
    return policy.has(action);
  }

  /** The alert id this builder will produce (needs correlation id and defining ids set). */
  public String alertId() {
    List<String> parts = new ArrayList<>();
    parts.add(type.name());
    parts.add(Objects.requireNonNull(correlationId, "correlationId"));
    parts.addAll(defining);
    return Hashing.deterministicId(parts);
  }

  /** The alert; actions in the order page, notify, revoke. */
  public Alert build() {
    List<String> actions = new ArrayList<>();
    for (Action a : Action.values()) {
      if (policy.has(a)) {
        actions.add(a.wireName());
      }
    }
    return Alert.newBuilder()
        .setAlertId(alertId())
        .setAlertType(type.name())
        .setSeverity(policy.severity().wireName())
        .setCorrelationId(correlationId)
        .setRequestId(requestId)
        .setAccountId(accountId)
        .setSubject(subject)
        .setEvidence(new ArrayList<>(evidence))
        .setDetectedAt(Instant.ofEpochMilli(detectedAt))
        .setEventTime(Instant.ofEpochMilli(eventTime))
        .setSummary(evidenceOmitted == 0 ? Objects.requireNonNull(summary, "summary")
            : Objects.requireNonNull(summary, "summary") + String.format(" Evidence truncated: it lists the first %d "
                + "event ids, %d more were left out (see the timeline).", evidence.size(), evidenceOmitted))
        .setRunbook(policy.runbook())
        .setActions(actions)
        .setRevokedRequestIds(new ArrayList<>(revokedRequestIds))
        .setTenant(tenant)
        .build();
  }
}
