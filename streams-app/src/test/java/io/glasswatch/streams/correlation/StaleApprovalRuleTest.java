package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeRequestContext.approve;
import static io.glasswatch.streams.correlation.FakeRequestContext.at;
import static io.glasswatch.streams.correlation.FakeRequestContext.grant;
import static io.glasswatch.streams.correlation.FakeRequestContext.minutes;
import static io.glasswatch.streams.correlation.FakeRequestContext.requested;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link StaleApprovalRule} against a fake context. */
class StaleApprovalRuleTest {
  private final StaleApprovalRule rule = new StaleApprovalRule();

  private static RequestState grantedAfter(double minutes) {
    RequestState s = requested("req-1", "alice", at(0));
    approve(s, "bob", "incident_command", "loa3", at(1));
    approve(s, "dana", "security", "loa3", at(1));
    grant(s, "tok-1", at(1 + minutes), minutes(30), true);
    return s;
  }

  @Test
  void aGrantMoreThan30MinutesAfterTheOldestApprovalIsRaised() {
    assertThat(new FakeRequestContext(at(100)).judge(rule, grantedAfter(31)).only().getAlertType())
        .isEqualTo("STALE_APPROVAL");
  }

  @Test
  void aGrantExactly30MinutesAfterIsNotStale() {
    assertThat(new FakeRequestContext(at(100)).judge(rule, grantedAfter(30)).raised).isEmpty();
  }
}
