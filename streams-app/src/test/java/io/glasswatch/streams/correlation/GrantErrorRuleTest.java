package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeRequestContext.at;
import static io.glasswatch.streams.correlation.FakeRequestContext.grant;
import static io.glasswatch.streams.correlation.FakeRequestContext.minutes;
import static io.glasswatch.streams.correlation.FakeRequestContext.requested;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link GrantErrorRule} against a fake context. */
class GrantErrorRuleTest {
  private final GrantErrorRule rule = new GrantErrorRule();

  private static String error(RequestState s, String phase, String message, long t) {
    String id = s.requestId + "/error/" + s.next("error");
    RequestState.ErrorEvent e = new RequestState.ErrorEvent(id, t, phase, message, "system");
    s.errors.add(e);
    if (e.endingPhase()) {
      s.revokeErrorAt = t;
    }
    return id;
  }

  @Test
  void aGrantPhaseErrorIsRaisedOnceWithThePhaseAndTheSourcesText() {
    RequestState s = requested("req-1", "frank", at(0));
    s.source = "jit-controller";
    String err = error(s, "grant", "SSOAdmin.ConflictException: assignment in progress", at(1));
    FakeRequestContext ctx = new FakeRequestContext(at(1)).judge(rule, s).judge(rule, s);

    assertThat(ctx.only().getAlertType()).isEqualTo("GRANT_ERROR");
    assertThat(ctx.only().getSeverity()).isEqualTo("high");
    assertThat(ctx.only().getEvidence()).containsExactly(err, "req-1/request/1");
    assertThat(ctx.only().getSummary()).contains("jit-controller", "the grant phase", "ConflictException")
        .doesNotContain("sweeper");
  }

  @Test
  void aRevokePhaseErrorSaysTheSweeperChecksAndEndsTheGrantFactForIt() {
    RequestState s = requested("req-2", "dave", at(0));
    s.source = "jit-controller";
    grant(s, "tok", at(1), minutes(120), false);
    error(s, "revoke", "AccessDenied", at(30));
    FakeRequestContext ctx = new FakeRequestContext(at(30)).judge(rule, s);

    assertThat(ctx.only().getSummary()).contains("the revoke phase", "sweeper checks it");
    assertThat(s.endReason()).as("not 'revoked': the sweeper judges the grant").isEqualTo("revoke_error");
    assertThat(s.endedAt()).isEqualTo(at(30));
  }

  @Test
  void aRequestWithoutErrorsRaisesNothing() {
    RequestState s = requested("req-3", "alice", at(0));
    grant(s, "tok", at(1), minutes(30), false);

    assertThat(new FakeRequestContext(at(10)).judge(rule, s).raised).isEmpty();
    assertThat(s.endReason()).isNull();
  }
}
