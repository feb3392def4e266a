package io.glasswatch.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.report.EventReview.RotationStatus;
import io.glasswatch.report.EventReview.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runbook checklist and the rotation obligation of one event, decided and undecided. */
class EventReviewerTest {
  static final EventReviewer REVIEWER = new EventReviewer(Duration.ofHours(24));

  /** The compliant root scenario (01) of the demo: request, approvals, grant, root use with rotation, expiry. */
  static List<Map<String, Object>> compliant() {
    return new ArrayList<>(DemoTimeline.chains(DemoTimeline.documents()).get("BG-20221110-0001"));
  }

  static List<Map<String, Object>> without(List<Map<String, Object>> chain, String... actions) {
    List<String> drop = List.of(actions);
    return new ArrayList<>(chain.stream().filter(d -> !drop.contains(Docs.text(d, "event", "action"))
        && !(Docs.flag(d, "rootCredentialChange"))).toList());
  }

  static Verdict verdict(EventReview r, int question) {
    return r.checklist().get(question).verdict();
  }

  @Test
  void theCompliantRootSessionPassesEveryCheck() {
    EventReview r = REVIEWER.review("BG-20221110-0001", compliant(), Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(r.checklist()).extracting(EventReview.ChecklistAnswer::verdict).containsOnly(Verdict.YES);
    assertThat(r.rotation().status()).isEqualTo(RotationStatus.ON_TIME);
    assertThat(r.kind()).isEqualTo(EventReview.Kind.ROOT);
    assertThat(r.ticket()).isEqualTo("INC-4312");
    assertThat(r.approvals()).extracting(EventReview.Approval::role).containsExactly("incident_command", "security");
    assertThat(r.approvedAt()).isEqualTo(Instant.parse("2022-11-10T16:11:00Z"));
    assertThat(r.grantedAt()).isEqualTo(Instant.parse("2022-11-10T16:14:00Z"));
    assertThat(r.expiresAt()).isEqualTo(Instant.parse("2022-11-10T16:59:00Z"));
    assertThat(r.chain().intact()).isTrue();
  }

  @Test
  void withoutRotationEvidenceTheRotationIsOpenUntilTheDeadlineThenMissing() {
    // the chain no longer verifies once entries are dropped, which does not matter for this rule
    List<Map<String, Object>> chain = without(compliant(), "rotation", "lifecycle_rotated");
    Instant ended = Instant.parse("2022-11-10T16:59:00Z");
    EventReview before = REVIEWER.review("BG-20221110-0001", chain, ended.plus(Duration.ofHours(23)));
    assertThat(before.rotation().status()).isEqualTo(RotationStatus.OPEN);
    assertThat(verdict(before, 1)).isEqualTo(Verdict.UNDECIDED);
    EventReview after = REVIEWER.review("BG-20221110-0001", chain, ended.plus(Duration.ofHours(24)).plusSeconds(1));
    assertThat(after.rotation().status()).isEqualTo(RotationStatus.MISSING);
    assertThat(verdict(after, 1)).isEqualTo(Verdict.NO);
  }

  @Test
  void rootUseWithoutItsDeclarationHasNoAuditRow() {
    EventReview r = REVIEWER.review("BG-20221110-0001", without(compliant(), "root_declaration"),
        Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(verdict(r, 2)).isEqualTo(Verdict.NO);
    assertThat(r.checklist().get(2).reason()).contains("no root declaration");
  }

  @Test
  void aGrantWithoutCloudTrailRecordsCannotBeMatchedAndIsMarkedUndecided() {
    List<Map<String, Object>> chain = new ArrayList<>(compliant().stream()
        .filter(d -> !"cloudtrail".equals(Docs.text(d, "event", "provider"))).toList());
    EventReview r = REVIEWER.review("BG-20221110-0001", chain, Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(verdict(r, 3)).isEqualTo(Verdict.UNDECIDED);
    assertThat(r.checklist().get(3).reason()).contains("no use and no CloudTrail record");
  }

  @Test
  void anOverreachingAlertAnswersMinimumActionWithNo() {
    EventReview r = REVIEWER.review("JIT-20230314-0042",
        DemoTimeline.chains(DemoTimeline.documents()).get("JIT-20230314-0042"), Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(verdict(r, 0)).isEqualTo(Verdict.NO);
    assertThat(r.checklist().get(0).reason()).contains("TOKEN_REUSE", "USAGE_AFTER_EXPIRY");
    assertThat(verdict(r, 1)).isEqualTo(Verdict.NOT_APPLICABLE);
    assertThat(r.alerts()).extracting(EventReview.AlertRow::type).containsExactly("TOKEN_REUSE", "USAGE_AFTER_EXPIRY");
    assertThat(r.enforcement()).extracting(EventReview.EnforcementRow::action)
        .containsExactly("revoke_requested", "revoke_requested");
  }

  @Test
  void aRequestNeverGrantedHasNothingToJudge() {
    List<Map<String, Object>> chain = new ArrayList<>(compliant().subList(0, 3)); // request, lifecycle, one approval
    EventReview r = REVIEWER.review("BG-20221110-0001", chain, Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(verdict(r, 0)).isEqualTo(Verdict.NOT_APPLICABLE);
    assertThat(verdict(r, 3)).isEqualTo(Verdict.NOT_APPLICABLE);
    assertThat(r.grantedAt()).isNull();
  }

  @Test
  void activityIsCappedButCounted() {
    List<Map<String, Object>> chain = compliant();
    for (int i = 0; i < EventReviewer.MAX_ACTIVITY + 5; i++) {
      DemoTimeline.append(chain, Instant.parse("2022-11-10T16:30:00Z").plusSeconds(i), "event", "usage", "success",
          "usage " + i, "{\"type\":\"usage\"}");
    }
    EventReview r = REVIEWER.review("BG-20221110-0001", chain, Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(r.activity()).hasSize(EventReviewer.MAX_ACTIVITY);
    assertThat(r.activityTotal()).isGreaterThan(EventReviewer.MAX_ACTIVITY + 5);
    assertThat(r.chain().intact()).isTrue();
  }

  @Test
  void aDocumentWithoutRequiredFieldsIsReportedByTheChainNotThrown() {
    List<Map<String, Object>> chain = compliant();
    chain.add(Map.of("message", "half a document"));
    EventReview r = REVIEWER.review("BG-20221110-0001", chain, Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(r.chain().intact()).isFalse();
    assertThat(r.chain().findings()).anySatisfy(f -> assertThat(f).startsWith("MALFORMED"));
  }
}
