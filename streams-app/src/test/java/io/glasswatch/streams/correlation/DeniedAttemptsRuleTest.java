package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.correlation.FakeRequestContext.at;
import static io.glasswatch.streams.correlation.FakeRequestContext.requested;
import static io.glasswatch.streams.correlation.FakeRequestContext.use;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link DeniedAttemptsRule} against a fake context. */
class DeniedAttemptsRuleTest {
  private final DeniedAttemptsRule rule = new DeniedAttemptsRule();

  @Test
  void fiveDenialsWithinTenMinutesAreOneBurst() {
    RequestState s = requested("req-1", "alice", at(0));
    for (int i = 0; i < 6; i++) {
      use(s, "tok-1", "deny", at(1 + i));
    }

    FakeRequestContext ctx = new FakeRequestContext(at(7)).judge(rule, s);

    assertThat(ctx.only().getEvidence()).hasSize(5);
  }

  @Test
  void fiveDenialsSpreadOverMoreThanTenMinutesAreNone() {
    RequestState s = requested("req-1", "alice", at(0));
    for (int i = 0; i < 5; i++) {
      use(s, "tok-1", "deny", at(1 + i * 2.6));
    }

    assertThat(new FakeRequestContext(at(15)).judge(rule, s).raised).isEmpty();
  }
}
