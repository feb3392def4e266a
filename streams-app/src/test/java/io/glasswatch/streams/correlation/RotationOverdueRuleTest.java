package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeAccountContext.account;
import static io.glasswatch.streams.correlation.FakeAccountContext.alertedSession;
import static io.glasswatch.streams.correlation.FakeAccountContext.at;
import static io.glasswatch.streams.correlation.FakeAccountContext.event;
import static io.glasswatch.streams.correlation.FakeAccountContext.grant;
import static io.glasswatch.streams.correlation.FakeAccountContext.rootUse;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.AlertResolution;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link RotationOverdueRule} against a fake context: the deadline, its schedule, and the resolution. */
class RotationOverdueRuleTest {
  private static final double DAY = 24 * 60;
  private final RotationOverdueRule rule = new RotationOverdueRule();

  /** An authorized session: grant at 0 for 30 min, root use at 2; deadline at 30 + 1 day. */
  private static AccountState authorized() {
    AccountState s = account();
    rootUse(grant(s, "req-1", "alice", at(0), 30), "ct-a1", at(2));
    return s;
  }

  @Test
  void anAuthorizedSessionWithoutRotationIsRaisedAtItsDeadlineWhichNextDueNames() {
    AccountState s = authorized();
    FakeAccountContext ctx = new FakeAccountContext(at(30 + DAY - 1));

    assertThat(rule.evaluate(s, ctx.now, ctx)).isFalse();
    assertThat(rule.nextDue(s, ctx)).isEqualTo(at(30 + DAY));

    ctx.now = at(30 + DAY);
    assertThat(rule.evaluate(s, ctx.now, ctx)).isTrue();
    assertThat(ctx.only().getAlertType()).isEqualTo("ROTATION_OVERDUE");
    assertThat(ctx.only().getCorrelationId()).isEqualTo("req-1");
    assertThat(rule.nextDue(s, ctx)).isNull();
  }

  @Test
  void aRotationBeforeTheDeadlineSatisfiesIt() {
    AccountState s = authorized();
    s.addRotation(new AccountState.Rotation("ct-a2", at(40), "PasswordUpdated"));
    FakeAccountContext ctx = new FakeAccountContext(at(30 + DAY));

    rule.evaluate(s, ctx.now, ctx);

    assertThat(ctx.raised).isEmpty();
  }

  @Test
  void aRotationAfterTheAlertResolvesItOnce() {
    AccountState s = authorized();
    FakeAccountContext ctx = new FakeAccountContext(at(30 + DAY));
    rule.evaluate(s, ctx.now, ctx);
    String alertId = ctx.only().getAlertId();

    ctx.now = at(30 + DAY + 60);
    AccountState.Rotation r = new AccountState.Rotation("ct-a3", at(30 + DAY + 60), "PasswordUpdated");
    s.addRotation(r);
    rule.onRotation(s, r, ctx);
    rule.onRotation(s, r, ctx);

    assertThat(ctx.resolutions).singleElement().satisfies(res -> {
      assertThat(res.getAlertId()).isEqualTo(alertId);
      assertThat(res.getKind()).isEqualTo("rotation_done");
      assertThat(res.getCorrelationId()).isEqualTo("req-1");
      assertThat(res.getRequestId()).isEqualTo("req-1");
      assertThat(res.getEvidence()).containsExactly("ct-a3");
      assertThat(res.getResolvedAt()).isEqualTo(Instant.ofEpochMilli(at(30 + DAY + 60)));
    });
  }

  @Test
  void aRotationBeforeTheSessionResolvesNothing() {
    AccountState s = authorized();
    FakeAccountContext ctx = new FakeAccountContext(at(30 + DAY));
    rule.evaluate(s, ctx.now, ctx);

    rule.onRotation(s, new AccountState.Rotation("gw-1", at(1), "rotation event"), ctx);

    assertThat(ctx.resolutions).isEmpty();
  }

  @Test
  void anUnauthorizedSessionIsRaisedOnTheAccountAndALaterCountingRotationResolvesIt() {
    AccountState s = account();
    alertedSession(s, event("ct-r1", at(0), "ConsoleLogin"), event("ct-r2", at(10), "ListBuckets"));
    FakeAccountContext ctx = new FakeAccountContext(at(10 + DAY));

    rule.evaluate(s, ctx.now, ctx);
    AccountState.Rotation r = new AccountState.Rotation("account:" + FakeAccountContext.ACCOUNT + "/rotation/1",
        at(10 + DAY + 5), "rotation event (root_password)");
    s.addRotation(r);
    rule.onRotation(s, r, ctx);

    assertThat(ctx.only().getCorrelationId()).isEqualTo("account:" + FakeAccountContext.ACCOUNT);
    assertThat(ctx.resolutions).extracting(AlertResolution::getAlertId).containsExactly(ctx.only().getAlertId());
  }

  @Test
  void aRotationAlreadyRecordedAfterTheDeadlineResolvesTheAlertAsItIsRaised() {
    AccountState s = authorized();
    s.addRotation(new AccountState.Rotation("ct-late", at(30 + DAY + 1), "PasswordUpdated"));
    FakeAccountContext ctx = new FakeAccountContext(at(30 + DAY + 1));

    rule.evaluate(s, ctx.now, ctx);

    assertThat(ctx.types()).containsExactly("ROTATION_OVERDUE");
    assertThat(ctx.resolutions).singleElement()
        .satisfies(res -> assertThat(res.getEvidence()).containsExactly("ct-late"));
  }
}
