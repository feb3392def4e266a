package io.glasswatch.report;

import io.glasswatch.report.EventReview.AlertRow;
import io.glasswatch.report.EventReview.EnforcementRow;
import io.glasswatch.report.Report.AlertCount;
import io.glasswatch.report.Report.Deviation;
import io.glasswatch.report.Report.Revokes;
import io.glasswatch.report.Report.Rotations;
import io.glasswatch.report.Report.Summary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds a {@link Report} one correlation at a time: each chain handed to {@link #add} is reviewed
 * ({@link EventReviewer}) and only its review is kept, so memory grows with the number of events (each
 * review bounded by {@link EventReviewer#MAX_ACTIVITY}), not with the number of documents.
 *
 * <p>A correlation is in the report when at least one of its documents is in the scope: its
 * {@code @timestamp} in the period and, when given, its {@code cloud.account.id} equal to the account
 * and its {@code glasswatch.details.tenant} equal to the tenant (the same filter
 * {@link TimelineReader} sends to Elasticsearch). An {@code account:<id>} correlation is reviewed
 * only when it holds root activity, an alert or an enforcement step ({@link #breakGlass}); routine
 * CloudTrail activity is only counted. Summary figures count the alerts and revokes whose
 * time lies in the period. Not thread-safe.
 */
public final class ReportBuilder {
  private static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low");

  private final ReportScope scope;
  private final PolicyInForce policy;
  private final EventReviewer reviewer;
  private final Instant asOf;
  private final List<EventReview> events = new ArrayList<>();
  private long documents;
  private long background;

  /**
   * @param scope what the report covers
   * @param policy the policy in force
   * @param now the current time: deadlines after {@code min(now, scope.to)} are still open
   */
  public ReportBuilder(ReportScope scope, PolicyInForce policy, Instant now) {
    this.scope = scope;
    this.policy = policy;
    this.reviewer = new EventReviewer(policy.rotationDeadline());
    this.asOf = now.isBefore(scope.to()) ? now : scope.to();
  }

  /**
   * Reviews one correlation and keeps the review when the correlation is in scope.
   *
   * @param correlationId request id or {@code account:<id>}
   * @param documents the whole chain, any order
   * @return whether it was in scope
   */
  public boolean add(String correlationId, List<Map<String, Object>> documents) {
    this.documents += documents.size();
    if (documents.stream().noneMatch(this::inScope)) {
      return false;
    }
    if (correlationId.startsWith("account:") && !breakGlass(documents)) {
      background += documents.size();
      return false;
    }
    events.add(reviewer.review(correlationId, documents, asOf));
    return true;
  }

  /**
   * Counts a routine account correlation that was not read (its documents are not break-glass, see
   * {@link #breakGlass}): what {@link #add} does with such a chain, without its documents.
   *
   * @param correlationId {@code account:<id>}
   * @param documents the number of documents of its chain
   * @throws IllegalArgumentException for a correlation that is not an account's, or a negative count
   */
  public void addRoutine(String correlationId, long documents) {
    if (!correlationId.startsWith("account:") || documents < 0) {
      throw new IllegalArgumentException("not a routine account correlation: " + correlationId + " (" + documents + ")");
    }
    this.documents += documents;
    background += documents;
  }

  /**
   * Whether an account correlation is a break-glass event: root activity, an alert or an enforcement
   * step. The rest is routine CloudTrail activity no request needed to cover.
   */
  static boolean breakGlass(List<Map<String, Object>> documents) {
    return documents.stream().anyMatch(d -> Docs.flag(d, "rootActivity")
        || "alert".equals(Docs.text(d, "glasswatch", "kind")) || "enforcement".equals(Docs.text(d, "glasswatch", "kind")));
  }

  /** Timeline documents of account activity that is not break-glass (not reviewed, counted). */
  public long background() {
    return background;
  }

  /** Whether one document is in the scope (see the class Javadoc). */
  boolean inScope(Map<String, Object> doc) {
    if (!scope.contains(Docs.timestamp(doc))) {
      return false;
    }
    if (scope.accountId() != null && !scope.accountId().equals(Docs.text(doc, "cloud", "account", "id"))) {
      return false;
    }
    return scope.tenant() == null || scope.tenant().equals(Docs.detail(doc, "tenant"));
  }

  /** Documents read so far. */
  public long documents() {
    return documents;
  }

  /** Events kept so far. */
  public int events() {
    return events.size();
  }

  /**
   * The report of everything added.
   *
   * @param generatedAt when it is made
   */
  public Report build(Instant generatedAt) {
    List<EventReview> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing((EventReview e) -> e.start() == null ? Instant.EPOCH : e.start())
        .thenComparing(EventReview::correlationId));
    return new Report(scope, policy, generatedAt, documents, background, sorted, summarize(sorted));
  }

  private Summary summarize(List<EventReview> list) {
    Map<String, Long> byKind = new LinkedHashMap<>();
    for (EventReview.Kind k : EventReview.Kind.values()) {
      byKind.put(k.label(), 0L);
    }
    Map<String, Long> bySeverity = new LinkedHashMap<>();
    SEVERITIES.forEach(s -> bySeverity.put(s, 0L));
    Map<String, Map<String, Long>> byType = new TreeMap<>();
    Map<String, Set<String>> involved = new TreeMap<>();
    long requested = 0;
    long confirmed = 0;
    long absent = 0;
    long failed = 0;
    List<Duration> ttr = new ArrayList<>();
    long[] rot = new long[5];
    long intact = 0;
    for (EventReview e : list) {
      byKind.merge(e.kind().label(), 1L, Long::sum);
      intact += e.chain().intact() ? 1 : 0;
      for (AlertRow a : e.alerts()) {
        if (!scope.contains(a.at())) {
          continue;
        }
        String sev = a.severity() == null ? "unknown" : a.severity();
        bySeverity.merge(sev, 1L, Long::sum);
        byType.computeIfAbsent(a.type(), t -> new TreeMap<>()).merge(sev, 1L, Long::sum);
        involved.computeIfAbsent(a.type(), t -> new LinkedHashSet<>()).add(e.correlationId());
      }
      for (EnforcementRow r : e.enforcement()) {
        if (!scope.contains(r.at())) {
          continue;
        }
        switch (r.action()) {
          case "revoke_requested" -> requested++;
          case "revoke_confirmed" -> confirmed++;
          case "revoke_already_absent" -> absent++;
          case "revoke_failed" -> failed++;
          default -> { }
        }
        if (r.timeToRevoke() != null) {
          ttr.add(r.timeToRevoke());
        }
      }
      rot[e.rotation().status().ordinal()]++;
    }
    ttr.sort(Comparator.naturalOrder());
    List<AlertCount> counts = new ArrayList<>();
    byType.forEach((type, sev) -> sev.forEach((s, n) -> counts.add(new AlertCount(type, s, n))));
    counts.sort(Comparator.comparingLong(AlertCount::count).reversed().thenComparing(AlertCount::type));
    List<Deviation> deviations = new ArrayList<>();
    byType.forEach((type, sev) -> deviations.add(new Deviation(type, String.join("/", sev.keySet()),
        sev.values().stream().mapToLong(Long::longValue).sum(), policy.ruleOf(type), List.copyOf(involved.get(type)))));
    deviations.sort(Comparator.comparingInt((Deviation d) -> severityRank(d.severity())).thenComparing(Deviation::type));
    Rotations rotations = new Rotations(rot[1] + rot[2] + rot[3] + rot[4], rot[1], rot[2], rot[3], rot[4]);
    return new Summary(byKind, counts, bySeverity, new Revokes(requested, confirmed, absent, failed, ttr),
        rotations, list.size(), intact, deviations);
  }

  private static int severityRank(String severity) {
    int best = SEVERITIES.size();
    for (int i = 0; i < SEVERITIES.size(); i++) {
      if (severity.contains(SEVERITIES.get(i))) {
        best = Math.min(best, i);
      }
    }
    return best;
  }
}
