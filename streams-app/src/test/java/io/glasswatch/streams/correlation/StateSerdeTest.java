package io.glasswatch.streams.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.streams.state.JsonSerde;
import io.glasswatch.streams.timeline.TimelineDraft;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateSerdeTest {
  private static <T> T roundTrip(T value, Class<T> type) {
    JsonSerde<T> serde = new JsonSerde<>(type);
    return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
  }

  @Test
  void accountStateKeepsEvidenceInArrivalOrder() {
    AccountState s = new AccountState("111122223333");
    TimelineDraft draft = new TimelineDraft("cloudtrail:z", 1L, "111122223333", "cloudtrail", "event", "ConsoleLogin",
        "success", "root", null, null, "m", "z", null, null, null, null, "{\"a\":1}");
    AccountState.PendingRoot first = new AccountState.PendingRoot("z", 1L, "ConsoleLogin", "192.0.2.1", "root", true,
        false, draft);
    AccountState.RootSession session = new AccountState.RootSession(first);
    for (String id : new String[] {"a", "m", "b", "y"}) {
      session.add(new AccountState.PendingRoot(id, 2L, "X", null, "root", false, false, draft));
    }
    s.sessions.add(session);
    s.pending.add(first);
    s.grants.put("req-1", new AccountState.GrantView(new GrantFact("req-1", "root", "111122223333", "alice", true, 5L,
        10L, new Assignment("i", "111122223333", "p", "USER", "u"), "fp", "req-1/grant/1", null, null)));

    first.failedLogin = true;
    first.antipatternCandidate = true;
    s.declarations.add(new AccountState.Declaration("account:111122223333/root_declaration/1", 3L, "req-1", 30L));
    s.lifecycle.add("req-1");
    s.closedRequests.put("req-0", 2L);
    s.grants.get("req-1").antipatterns.add("CreateUser");
    s.grants.get("req-1").useTimes.put("z", 1L);
    session.antipatterns.add("AttachUserPolicy");

    AccountState back = roundTrip(s, AccountState.class);

    assertThat(back.pending.get(0).failedLogin).isTrue();
    assertThat(back.pending.get(0).isUse()).isFalse();
    assertThat(back.pending.get(0).antipatternCandidate).isTrue();
    assertThat(back.declarations).isEqualTo(s.declarations);
    assertThat(back.lifecycle).containsExactly("req-1");
    assertThat(back.closedRequests).containsEntry("req-0", 2L);
    assertThat(back.grants.get("req-1").antipatterns).containsExactly("CreateUser");
    assertThat(back.grants.get("req-1").useTimes).containsEntry("z", 1L);
    assertThat(back.sessions.get(0).antipatterns).containsExactly("AttachUserPolicy");

    assertThat(back.sessions.get(0).eventIds).containsExactly("z", "a", "m", "b", "y");
    assertThat(back.pending.get(0).draft).isEqualTo(draft);
    assertThat(back.grants.get("req-1").fact).isEqualTo(s.grants.get("req-1").fact);
    assertThat(back.grants.get("req-1").end()).isEqualTo(10L);
    AccountState older = new JsonSerde<>(AccountState.class).deserializer().deserialize("t",
        "{\"accountId\":\"1\",\"pending\":[{\"eventId\":\"y\",\"eventTime\":0,\"action\":\"ConsoleLogin\"}]}"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(older.pending.get(0).isUse()).as("state stored before the flags existed reads as root use").isTrue();
    assertThat(older.declarations).isEmpty();
  }

  @Test
  void requestStateSurvivesARoundTrip() {
    RequestState s = new RequestState("req-1");
    s.next("usage");
    s.next("usage");
    s.usages.add(new RequestState.Usage("req-1/usage/1", 5L, "fp", "allow"));
    s.grant = new RequestState.Grant("req-1/grant/1", 1L, 10L, "fp", true, null, "111122223333");
    s.alerts.add("b");
    s.alerts.add("a");

    RequestState back = roundTrip(s, RequestState.class);

    assertThat(back.next("usage")).isEqualTo(3);
    assertThat(back.usages.get(0).allowed()).isTrue();
    assertThat(back.grant).isEqualTo(s.grant);
    assertThat(back.alerts).containsExactly("b", "a");
    assertThat(back.account()).isEqualTo("111122223333");
  }

  @Test
  void requestStateKeepsDecisionsStepsAndOwedRevokes() {
    RequestState s = new RequestState("req-2");
    s.tenant = "payments";
    s.scope = List.of("break_glass:elevated");
    s.usages.add(new RequestState.Usage("req-2/usage/1", 5L, "fp", "deny", List.of("a", "b"), "acme"));
    s.decided.add("MISSING_APPROVALS");
    s.steps.add(new RequestState.Step("approved", 3L, "req-2/approval/2", List.of("security"), false));
    s.deferredRevokes.add(new RequestState.DeferredRevoke("alert-1", "SELF_APPROVAL", "summary", 2L));
    s.wakeAt = 9L;

    RequestState back = roundTrip(s, RequestState.class);

    assertThat(back.usages.get(0).scope).containsExactly("a", "b");
    assertThat(back.usages.get(0).tenant).isEqualTo("acme");
    assertThat(back.usages.get(0).denied()).isTrue();
    assertThat(back.decided).containsExactly("MISSING_APPROVALS");
    assertThat(back.steps).isEqualTo(s.steps);
    assertThat(back.hasStep("approved")).isTrue();
    assertThat(back.deferredRevokes).isEqualTo(s.deferredRevokes);
    assertThat(back.wakeAt).isEqualTo(9L);
    assertThat(back.scope).containsExactly("break_glass:elevated");
    assertThat(back.tenant).isEqualTo("payments");
  }
}
