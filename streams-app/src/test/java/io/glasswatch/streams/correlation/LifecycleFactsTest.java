package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.expiry;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.result;
import static io.glasswatch.streams.testing.Events.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.GlasswatchTopology;
import io.glasswatch.streams.state.JsonSerde;
import io.glasswatch.streams.testing.Driver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage A's lifecycle steps, read from the {@code request-lifecycle-facts} repartition topic stage B consumes. */
class LifecycleFactsTest {
  private static final String TOPIC = "glasswatch-test-" + GlasswatchTopology.LIFECYCLE_FACTS_REPARTITION + "-repartition";

  @TempDir
  Path state;

  private static void pipe(Driver d, GatewayEvent... events) {
    TestInputTopic<String, GatewayEvent> in = d.gateway();
    for (GatewayEvent e : events) {
      in.pipeInput(e.getRequestId(), e, e.getTimestamp());
    }
  }

  private static List<KeyValue<String, LifecycleFact>> facts(Driver d) {
    return d.driver().createOutputTopic(TOPIC, new StringDeserializer(),
        new JsonSerde<>(LifecycleFact.class).deserializer()).readKeyValuesToList();
  }

  @Test
  void emitsEachStepOnceInOrderKeyedByTheRequestsAccount() {
    try (Driver d = new Driver(state)) {
      GatewayEvent req = inPayments(request("req-lf", "alice", ACCOUNT, "jit", at(0)));
      pipe(d, req, req,
          approval("req-lf", "bob", "incident_command", at(1)),
          approval("req-lf", "dana", "customer_account", at(1.5)),
          approval("req-lf", "carol", "security", at(2)),
          approval("req-lf", "erin", "security", at(2.5)),
          grant("req-lf", "tok-lf", at(3), Duration.ofMinutes(30), false, assignment(ACCOUNT, "user-alice")),
          usage("req-lf", "tok-lf", "alice", "deny", at(4)),
          usage("req-lf", "tok-lf", "alice", "allow", at(5)),
          usage("req-lf", "tok-lf", "alice", "allow", at(6)),
          expiry("req-lf", "ttl_elapsed", at(33)));

      List<KeyValue<String, LifecycleFact>> facts = facts(d);

      assertThat(facts).extracting(kv -> kv.key).containsOnly(ACCOUNT);
      assertThat(facts).extracting(kv -> kv.value.event(), kv -> kv.value.eventId(), kv -> kv.value.at())
          .containsExactly(
              tuple("requested", "req-lf/request/1", at(0).toEpochMilli()),
              tuple("approved", "req-lf/approval/3", at(2).toEpochMilli()),
              tuple("granted", "req-lf/grant/1", at(3).toEpochMilli()),
              tuple("used", "req-lf/usage/2", at(5).toEpochMilli()),
              tuple("expired", "req-lf/expiry/1", at(33).toEpochMilli()));
      LifecycleFact approved = facts.get(1).value;
      assertThat(approved.approverRoles()).containsExactly("incident_command", "customer_account", "security");
      assertThat(facts).allSatisfy(kv -> {
        assertThat(kv.value.requestId()).isEqualTo("req-lf");
        assertThat(kv.value.accountId()).isEqualTo(ACCOUNT);
        assertThat(kv.value.kind()).isEqualTo("jit");
        assertThat(kv.value.subject()).isEqualTo("alice");
        assertThat(kv.value.tenant()).isEqualTo("payments");
      });
      assertThat(facts).filteredOn(kv -> !kv.value.event().equals("approved"))
          .allSatisfy(kv -> assertThat(kv.value.approverRoles()).isEmpty());
    }
  }

  @Test
  void holdsStepsUntilTheAccountIsKnownAndSendsThemInLifecycleOrder() {
    try (Driver d = new Driver(state)) {
      pipe(d, approval("req-h", "bob", "incident_command", at(1)),
          approval("req-h", "carol", "security", at(2)),
          grant("req-h", "tok-h", at(3), Duration.ofMinutes(30), true, null),
          usage("req-h", "tok-h", "alice", "allow", at(4)));
      List<KeyValue<String, LifecycleFact>> held = facts(d);
      pipe(d, request("req-h", "alice", ACCOUNT, "root", at(0)),
          expiry("req-h", "consumed", at(5)));

      List<KeyValue<String, LifecycleFact>> facts = facts(d);

      assertThat(held).isEmpty();
      assertThat(facts).extracting(kv -> kv.key, kv -> kv.value.event(), kv -> kv.value.kind())
          .containsExactly(tuple(ACCOUNT, "requested", "root"), tuple(ACCOUNT, "approved", "root"),
              tuple(ACCOUNT, "granted", "root"), tuple(ACCOUNT, "used", "root"), tuple(ACCOUNT, "consumed", "root"));
      assertThat(facts.get(2).value.subject()).as("subject known by the time the held step is sent").isEqualTo("alice");
    }
  }

  @Test
  void revokedOnceFromAConfirmedRevokeResultNotAgainFromTheExpiry() {
    try (Driver d = new Driver(state)) {
      pipe(d, request("req-rv", "alice", ACCOUNT, "jit", at(0)),
          approval("req-rv", "bob", "incident_command", at(1)),
          approval("req-rv", "carol", "security", at(2)),
          grant("req-rv", "tok-rv", at(3), Duration.ofMinutes(30), true, assignment(ACCOUNT, "user-alice")),
          usage("req-rv", "tok-rv", "alice", "allow", at(4)),
          usage("req-rv", "tok-rv", "alice", "allow", at(5)));
      facts(d);
      RevokeCommand cmd = d.driver().createOutputTopic(Topics.REVOKE_COMMANDS, new StringDeserializer(),
          AvroSerdes.embedded().value(RevokeCommand.class).deserializer()).readValue();
      TestInputTopic<String, RevokeResult> results = d.driver().createInputTopic(Topics.REVOKE_RESULTS,
          new StringSerializer(), AvroSerdes.embedded().value(RevokeResult.class).serializer());
      results.pipeInput(cmd.getCommandId(), result(cmd, "FAILED", at(5.01)), at(5));
      results.pipeInput(cmd.getCommandId(), result(cmd, "CONFIRMED", at(5.02)), at(5));
      pipe(d, expiry("req-rv", "revoked", at(6)));

      List<KeyValue<String, LifecycleFact>> facts = facts(d);

      assertThat(facts).extracting(kv -> kv.value.event(), kv -> kv.value.eventId(), kv -> kv.value.at())
          .containsExactly(tuple("revoked", cmd.getCommandId(), cmd.getIssuedAt().toEpochMilli()));
    }
  }

  @Test
  void theSubjectsOwnApprovalDoesNotCompleteTheApprovals() {
    try (Driver d = new Driver(state)) {
      pipe(d, request("req-sa", "alice", ACCOUNT, "jit", at(0)),
          approval("req-sa", "bob", "incident_command", at(1)),
          approval("req-sa", "alice", "security", at(2)));
      List<KeyValue<String, LifecycleFact>> before = facts(d);
      pipe(d, approval("req-sa", "carol", "security", at(3)));

      assertThat(before).extracting(kv -> kv.value.event()).containsExactly("requested");
      assertThat(facts(d)).singleElement().satisfies(kv -> {
        assertThat(kv.value.event()).isEqualTo("approved");
        assertThat(kv.value.eventId()).isEqualTo("req-sa/approval/3");
        assertThat(kv.value.approverRoles()).containsExactly("incident_command", "security");
      });
    }
  }

  private static GatewayEvent inPayments(GatewayEvent e) {
    return io.glasswatch.streams.testing.Events.with(e, b -> b.setTenant("payments"));
  }
}
