package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.usage;
import static io.glasswatch.streams.testing.Events.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.testing.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SELF_APPROVAL, WEAK_APPROVER_ASSURANCE, MISSING_APPROVALS and STALE_APPROVAL in stage A. */
class ApprovalRulesTest {
  private static final String OTHER_ACCOUNT = "444455556666";

  @Test
  void compliantRequestRaisesNothing() {
    ReplayResult r = Scenario.create()
        .then(request("req-ok", "alice", ACCOUNT, "jit", at(0)),
            approval("req-ok", "bob", "incident_command", at(1)),
            approval("req-ok", "carol", "security", "loa3", at(2)),
            grant("req-ok", "tok-ok", at(3), Duration.ofMinutes(60), true, assignment(ACCOUNT, "user-alice")),
            usage("req-ok", "tok-ok", "alice", "allow", at(4)))
        .tick(at(120))
        .run();

    assertThat(r.alerts()).isEmpty();
    assertThat(r.revokeCommands()).as("only the expiry sweep of the ended grant").singleElement()
        .satisfies(c -> assertThat(c.getTrigger()).isEqualTo("expiry"));
  }

  @Test
  void selfApprovalBeforeTheGrantIsRevokedWhenTheGrantArrives() {
    ReplayResult r = Scenario.create()
        .then(request("req-s", "alice", ACCOUNT, "jit", at(0)),
            approval("req-s", " Alice ", "incident_command", at(1)),
            approval("req-s", "bob", "incident_command", at(1.5)),
            approval("req-s", "carol", "security", at(2)),
            grant("req-s", "tok-s", at(3), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")))
        .tick(at(20))
        .run();

    assertThat(r.alerts()).extracting(Alert::getAlertType).containsExactly("SELF_APPROVAL");
    Alert a = r.alerts().get(0);
    assertThat(a.getSeverity()).isEqualTo("high");
    assertThat(a.getActions()).containsExactly("revoke");
    assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("SELF_APPROVAL", "req-s", "req-s/approval/1"));
    assertThat(a.getEvidence()).containsExactly("req-s/approval/1", "req-s/request/1");
    assertThat(a.getEventTime()).isEqualTo(at(1));
    assertThat(a.getDetectedAt()).isEqualTo(at(1));
    assertThat(a.getAccountId()).isEqualTo(ACCOUNT);
    assertThat(a.getSubject()).isEqualTo("alice");
    assertThat(a.getRevokedRequestIds()).containsExactly("req-s");

    assertThat(r.revokeCommands()).hasSize(1);
    RevokeCommand c = r.revokeCommands().get(0);
    assertThat(c.getCommandId()).isEqualTo(Hashing.deterministicId("revoke", a.getAlertId(), "req-s"));
    assertThat(c.getAssignment()).isEqualTo(assignment(ACCOUNT, "user-alice"));
    assertThat(c.getIssuedAt()).as("issued when the grant arrived").isEqualTo(at(3));
    assertThat(c.getReason()).startsWith("SELF_APPROVAL: ");
    assertThat(c.getTokenFingerprint()).isEqualTo(Hashing.tokenFingerprint("tok-s"));
    TimelineEntry e = Scenario.entry(r, "revoke:" + c.getCommandId() + ":requested");
    assertThat(e.getMessage()).contains("as its grant arrived", "SELF_APPROVAL", "before the request had a grant",
        "user-alice");
    assertThat(e.getCorrelationId()).isEqualTo("req-s");
  }

  @Test
  void approvalSeenBeforeItsRequestIsJudgedWhenTheRequestArrives() {
    Scenario s = Scenario.create()
        .then(approval("req-e", "alice", "security", at(1)),
            approval("req-e", "bob", "incident_command", at(1)),
            approval("req-e", "carol", "security", at(1)),
            grant("req-e", "tok-e", at(2), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")));
    ReplayResult before = s.run();
    ReplayResult after = Scenario.create().records(s.records())
        .then(request("req-e", "alice", ACCOUNT, "jit", at(0)))
        .run();

    assertThat(before.alerts()).as("the subject is not known yet").isEmpty();
    assertThat(after.alerts()).extracting(Alert::getAlertType).containsExactly("SELF_APPROVAL");
    assertThat(after.alerts().get(0).getEvidence()).containsExactly("req-e/approval/1", "req-e/request/1");
    assertThat(after.revokeCommands()).singleElement()
        .satisfies(c -> assertThat(c.getAssignment()).isEqualTo(assignment(ACCOUNT, "user-alice")));
  }

  @Test
  void approvalByAnotherPersonIsNotSelfApproval() {
    ReplayResult r = Scenario.create()
        .then(request("req-n", "alice", ACCOUNT, "jit", at(0)),
            approval("req-n", "alice.smith", "incident_command", at(1)),
            approval("req-n", "carol", "security", at(1)))
        .tick(at(30))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void weakApproverAssuranceRaisesOncePerWeakApproval() {
    var weak = approval("req-w", "bob", "incident_command", "loa1", at(1));
    ReplayResult r = Scenario.create()
        .then(request("req-w", "alice", ACCOUNT, "jit", at(0)), weak, weak,
            approval("req-w", "carol", "security", null, at(2)),
            approval("req-w", "dana", "security", "loa2", at(2)))
        .run();

    List<Alert> alerts = Scenario.alertsOf(r, "WEAK_APPROVER_ASSURANCE");
    assertThat(alerts).extracting(a -> a.getEvidence().get(0)).containsExactly("req-w/approval/1", "req-w/approval/2");
    Alert a = alerts.get(0);
    assertThat(a.getSeverity()).isEqualTo("medium");
    assertThat(a.getActions()).containsExactly("notify");
    assertThat(a.getAlertId())
        .isEqualTo(Hashing.deterministicId("WEAK_APPROVER_ASSURANCE", "req-w", "req-w/approval/1"));
    assertThat(a.getSummary()).contains("loa1", "loa2");
    assertThat(r.revokeCommands()).isEmpty();
  }

  @Test
  void loa2AndStrongerApprovalsAreNotWeak() {
    ReplayResult r = Scenario.create()
        .then(request("req-w2", "alice", ACCOUNT, "jit", at(0)),
            approval("req-w2", "bob", "incident_command", "LOA2", at(1)),
            approval("req-w2", "carol", "security", "loa4", at(2)))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void approvalWithoutItsRequestIsJudgedAfterTheDecisionDelay() {
    ReplayResult early = Scenario.create()
        .then(approval("req-w3", "bob", "incident_command", "loa1", at(1)))
        .tick(at(5.9))
        .run();
    ReplayResult late = Scenario.create()
        .then(approval("req-w3", "bob", "incident_command", "loa1", at(1)))
        .tick(at(6))
        .run();

    // the request never arrives: the end of input decides at the last stream time (SPEC 5); a weak
    // approval is weak whatever its request says, so the verdict is the same, only earlier
    assertThat(early.alerts()).extracting(Alert::getAlertType).containsExactly("WEAK_APPROVER_ASSURANCE");
    assertThat(early.alerts().get(0).getDetectedAt()).as("decided by the end of input").isEqualTo(at(5.9));
    assertThat(late.alerts()).extracting(Alert::getAlertType).containsExactly("WEAK_APPROVER_ASSURANCE");
    assertThat(late.alerts().get(0).getDetectedAt()).as("decided when the decision delay ends").isEqualTo(at(6));
  }

  @Test
  void tenantOverrideMakesLoa2WeakForThatTenantOnly() {
    Policy strict = Policy.defaults().toBuilder().minApproverAcr("loa3").build();
    Policy p = Policy.defaults().toBuilder().tenant("payments", strict).build();
    ReplayResult r = Scenario.create().policy(p)
        .then(with(request("req-t1", "alice", ACCOUNT, "jit", at(0)), b -> b.setTenant("payments")),
            approval("req-t1", "bob", "incident_command", "loa2", at(1)),
            request("req-t2", "alice", ACCOUNT, "jit", at(0)),
            approval("req-t2", "bob", "incident_command", "loa2", at(1)))
        .run();

    assertThat(r.alerts()).extracting(Alert::getAlertType, Alert::getRequestId)
        .containsExactly(tuple("WEAK_APPROVER_ASSURANCE", "req-t1"));
  }

  @Test
  void grantBeforeEveryRequiredRoleApprovedRaisesMissingApprovalsAtGrantPlusDecisionDelay() {
    Scenario s = Scenario.create()
        .then(request("req-m", "alice", ACCOUNT, "jit", at(0)),
            approval("req-m", "bob", "incident_command", at(1)),
            grant("req-m", "tok-m", at(3), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            // an approval after the grant in event time does not count, even when it arrives in time
            approval("req-m", "carol", "security", at(4)));
    ReplayResult early = Scenario.create().records(s.records()).tick(at(7.9)).run();
    ReplayResult r = Scenario.create().records(s.records()).tick(at(8)).tick(at(30)).run();

    // before the decision delay ends only the end of input decides (SPEC 5): security's approval came
    // after the grant, so the grant still lacked it (SPEC 3, MISSING_APPROVALS), at the last stream time
    assertThat(early.alerts()).extracting(Alert::getAlertType, Alert::getDetectedAt)
        .containsExactly(tuple("MISSING_APPROVALS", at(7.9)));
    assertThat(r.alerts()).extracting(Alert::getAlertType).containsExactly("MISSING_APPROVALS");
    Alert a = r.alerts().get(0);
    assertThat(a.getSeverity()).isEqualTo("high");
    assertThat(a.getActions()).containsExactly("revoke");
    assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("MISSING_APPROVALS", "req-m", "req-m/grant/1"));
    assertThat(a.getEvidence()).containsExactly("req-m/grant/1", "req-m/approval/1");
    assertThat(a.getEventTime()).isEqualTo(at(3));
    assertThat(a.getDetectedAt()).isEqualTo(at(8));
    assertThat(a.getSummary()).contains("security").contains("approved by then: incident_command");
    assertThat(r.revokeCommands()).singleElement().satisfies(c -> {
      assertThat(c.getAssignment()).isEqualTo(assignment(ACCOUNT, "user-alice"));
      assertThat(c.getAlertId()).isEqualTo(a.getAlertId());
      assertThat(c.getIssuedAt()).isEqualTo(at(8));
    });
  }

  @Test
  void approvalWithAnEarlierTimeDeliveredAfterTheGrantSatisfiesMissingApprovals() {
    ReplayResult r = Scenario.create()
        .then(request("req-m2", "alice", ACCOUNT, "jit", at(0)),
            approval("req-m2", "bob", "incident_command", at(1)),
            grant("req-m2", "tok-m2", at(3), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")))
        .tick(at(6))
        .then(approval("req-m2", "carol", "security", at(2)))
        .tick(at(30))
        .run();

    assertThat(r.alerts()).isEmpty();
    assertThat(r.revokeCommands()).isEmpty();
  }

  @Test
  void theSubjectsOwnApprovalDoesNotCountTowardARole() {
    ReplayResult r = Scenario.create()
        .then(request("req-m3", "alice", ACCOUNT, "jit", at(0)),
            approval("req-m3", "bob", "incident_command", at(1)),
            approval("req-m3", "ALICE", "security", at(2)),
            grant("req-m3", "tok-m3", at(3), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")))
        .tick(at(30))
        .run();

    assertThat(r.alerts()).extracting(Alert::getAlertType).containsExactly("SELF_APPROVAL", "MISSING_APPROVALS");
    assertThat(Scenario.alertsOf(r, "MISSING_APPROVALS").get(0).getSummary())
        .contains("own approval does not count");
    assertThat(r.revokeCommands()).hasSize(2)
        .allSatisfy(c -> assertThat(c.getAssignment()).isEqualTo(assignment(ACCOUNT, "user-alice")));
  }

  @Test
  void usageWithoutAGrantIsCheckedAndItsRevokeWaitsForTheGrant() {
    Scenario s = Scenario.create()
        .then(request("req-u", "alice", ACCOUNT, "jit", at(0)),
            approval("req-u", "bob", "incident_command", at(1)),
            usage("req-u", "tok-u", "alice", "allow", at(2)))
        .tick(at(10));
    ReplayResult noGrant = Scenario.create().records(s.records()).run();
    ReplayResult r = Scenario.create().records(s.records())
        .then(grant("req-u", "tok-u", at(1.5), Duration.ofMinutes(30), false, assignment(ACCOUNT, "user-alice")))
        .run();

    assertThat(noGrant.alerts()).extracting(Alert::getAlertType).containsExactly("MISSING_APPROVALS");
    Alert a = noGrant.alerts().get(0);
    assertThat(a.getEvidence()).startsWith("req-u/usage/1");
    assertThat(a.getSummary()).contains("used without a grant seen");
    assertThat(noGrant.revokeCommands()).as("nothing to revoke yet").isEmpty();
    assertThat(r.alerts()).containsExactlyElementsOf(noGrant.alerts());
    assertThat(r.revokeCommands()).singleElement().satisfies(c -> {
      assertThat(c.getAlertId()).isEqualTo(a.getAlertId());
      assertThat(c.getAssignment()).isEqualTo(assignment(ACCOUNT, "user-alice"));
      assertThat(c.getIssuedAt()).isEqualTo(at(10));
    });
  }

  @Test
  void grantLongAfterTheOldestRequiredApprovalIsStale() {
    ReplayResult r = Scenario.create()
        .then(request("req-st", "alice", ACCOUNT, "jit", at(0)),
            approval("req-st", "bob", "incident_command", at(1)),
            approval("req-st", "carol", "security", at(20)),
            grant("req-st", "tok-st", at(32), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")))
        .tick(at(37))
        .run();

    assertThat(r.alerts()).extracting(Alert::getAlertType).containsExactly("STALE_APPROVAL");
    Alert a = r.alerts().get(0);
    assertThat(a.getSeverity()).isEqualTo("medium");
    assertThat(a.getActions()).containsExactly("notify");
    assertThat(a.getAlertId()).isEqualTo(Hashing.deterministicId("STALE_APPROVAL", "req-st", "req-st/grant/1"));
    assertThat(a.getEvidence()).containsExactly("req-st/grant/1", "req-st/approval/1");
    assertThat(a.getSummary()).contains("31 min", "30 min");
    assertThat(a.getDetectedAt()).isEqualTo(at(37));
    assertThat(r.revokeCommands()).isEmpty();
  }

  @Test
  void grant29MinutesAfterTheApprovalIsNotStale() {
    ReplayResult r = Scenario.create()
        .then(request("req-st2", "alice", ACCOUNT, "jit", at(0)),
            approval("req-st2", "bob", "incident_command", at(1)),
            approval("req-st2", "carol", "security", at(1)),
            grant("req-st2", "tok-st2", at(30), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")))
        .tick(at(60))
        .run();

    assertThat(r.alerts()).isEmpty();
  }

  @Test
  void accountOverrideOfRequiredRolesIsApplied() {
    Policy oneRole = Policy.defaults().toBuilder().requiredApproverRoles(List.of("incident_command")).build();
    Policy p = Policy.defaults().toBuilder().account(ACCOUNT, oneRole).build();
    ReplayResult r = Scenario.create().policy(p)
        .then(request("req-o1", "alice", ACCOUNT, "jit", at(0)),
            approval("req-o1", "bob", "incident_command", at(1)),
            grant("req-o1", "tok-o1", at(2), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
            request("req-o2", "alice", OTHER_ACCOUNT, "jit", at(0)),
            approval("req-o2", "bob", "incident_command", at(1)),
            grant("req-o2", "tok-o2", at(2), Duration.ofMinutes(30), true, assignment(OTHER_ACCOUNT, "user-alice")))
        .tick(at(30))
        .run();

    assertThat(r.alerts()).extracting(Alert::getAlertType, Alert::getRequestId)
        .containsExactly(tuple("MISSING_APPROVALS", "req-o2"));
  }
}
