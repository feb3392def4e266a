package io.glasswatch.streams;

import static io.glasswatch.streams.testing.Events.approval;
import static io.glasswatch.streams.testing.Events.assignment;
import static io.glasswatch.streams.testing.Events.grant;
import static io.glasswatch.streams.testing.Events.request;
import static io.glasswatch.streams.testing.Events.rootLogin;
import static io.glasswatch.streams.testing.Events.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AvroSerdes;
import io.glasswatch.schema.Topics;
import io.glasswatch.stack.Component;
import io.glasswatch.streams.replay.InputRecord;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.replay.Replayer;
import io.glasswatch.streams.testing.Events;
import io.glasswatch.streams.testing.KafkaIO;
import io.glasswatch.testing.KafkaTestSupport;
import io.glasswatch.testing.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a rebalance and a restart, on the real broker: the alerts committed to the
 * alerts topic are exactly the offline replay's alerts — none repeated, none lost — while the tasks
 * move from one instance to another and a fresh instance restores its state from the changelogs.
 */
class ExactlyOnceRestartIT {

  @TempDir Path dirs;

  /** 20 JIT requests whose token is reused, and 8 unauthorized root sign-ins without MFA, over 10 accounts. */
  private static List<InputRecord> workload(Instant t0, int from, int to) {
    List<InputRecord> in = new ArrayList<>();
    for (int i = from; i < to; i++) {
      String account = String.format("4000000000%02d", i % 10);
      String req = "eo-req-" + i;
      Instant t = t0.plus(Duration.ofMinutes(2L * i));
      in.add(Events.in(request(req, "user" + i, account, "jit", t)));
      in.add(Events.in(approval(req, "ic" + i, "incident_command", t.plusSeconds(10))));
      in.add(Events.in(approval(req, "sec" + i, "security", t.plusSeconds(20))));
      in.add(Events.in(grant(req, "tok-" + i, t.plusSeconds(30), Duration.ofMinutes(30), true,
          assignment(account, "principal-" + i))));
      in.add(Events.in(usage(req, "tok-" + i, "user" + i, "allow", t.plusSeconds(40))));
      in.add(Events.in(usage(req, "tok-" + i, "user" + i, "allow", t.plusSeconds(50))));
      if (i % 5 == 2 || i % 5 == 4) {
        String other = String.format("5000000000%02d", i % 10);
        in.add(Events.in(rootLogin("eo-ct-" + i, other, t.plusSeconds(55), "NO", true)));
      }
    }
    return in.stream().map(r -> new InputRecord(r.topic(), r.key(), r.value(),
        io.glasswatch.streams.input.EventTimeExtractor.eventTime(r.value()))).toList();
  }

  @Test
  void rebalanceAndRestartNeitherRepeatNorLoseAnAlert() throws Exception {
    GlasswatchSettings stack = TestStack.settings(Component.KAFKA, Component.REGISTRY);
    AvroSerdes serdes = AvroSerdes.registry(stack.get(GlasswatchSettings.REGISTRY_URL));
    String prefix = "eo-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    String[] topics = Topics.all().stream().map(t -> prefix + t).toArray(String[]::new);
    KafkaTestSupport.createTopics(stack, 3, topics);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant t0 = now.minus(Duration.ofHours(3));
    List<InputRecord> first = workload(t0, 0, 10);
    List<InputRecord> second = workload(t0, 10, 20);

    List<InputRecord> all = new ArrayList<>(first);
    all.addAll(second);
    all.sort(Comparator.comparing(InputRecord::timestamp));
    // the live run ends with clock ticks at now: the replay gets the same tick
    all.add(InputRecord.tick(Topics.CLOUDTRAIL_EVENTS, now));
    all.add(InputRecord.tick(Topics.GATEWAY_EVENTS, now));
    ReplayResult expected = new Replayer().replay(all);
    List<String> expectedIds = expected.alerts().stream().map(Alert::getAlertId).sorted().toList();
    assertThat(expected.alerts()).extracting(Alert::getAlertType)
        .contains("TOKEN_REUSE", "UNAUTHORIZED_ROOT_USE", "ROOT_LOGIN_WITHOUT_MFA");

    StreamsSettings base = StreamsSettings.from(stack).withApplicationId(prefix + "glasswatch").withTopicPrefix(prefix);
    try (KafkaIO io = new KafkaIO(stack, serdes, prefix)) {
      StreamsService one = new StreamsService(base.withStateDir(dirs.resolve("one")), serdes);
      StreamsService two = new StreamsService(base.withStateDir(dirs.resolve("two")), serdes);
      StreamsService three = new StreamsService(base.withStateDir(dirs.resolve("three")), serdes);
      try {
        one.start();
        assertThat(one.awaitRunning(Duration.ofSeconds(90))).isTrue();
        io.send(first);
        // a second instance joins while the first is busy: the tasks are split between them
        two.start();
        assertThat(two.awaitRunning(Duration.ofSeconds(90))).isTrue();
        io.send(second);
        // the first instance leaves mid-stream: its tasks move to the second
        one.close();
        io.tick(Topics.CLOUDTRAIL_EVENTS, now);
        io.tick(Topics.GATEWAY_EVENTS, now);
        await().atMost(Duration.ofSeconds(120)).until(() -> two.state() == KafkaStreams.State.RUNNING);
        List<Alert> beforeRestart = io.readExactly(Topics.ALERTS, serdes.value(Alert.class).deserializer(),
            expectedIds.size(), Duration.ofSeconds(3));
        assertThat(beforeRestart).extracting(Alert::getAlertId).containsExactlyInAnyOrderElementsOf(expectedIds);

        // restart: a fresh instance with empty local state takes over and restores from the changelogs;
        // part of the input is delivered again, as after a producer retry
        two.close();
        three.start();
        assertThat(three.awaitRunning(Duration.ofSeconds(90))).isTrue();
        io.send(second.subList(0, 12));
        io.tick(Topics.CLOUDTRAIL_EVENTS, now.plusSeconds(60));
        List<Alert> afterRestart = io.readExactly(Topics.ALERTS, serdes.value(Alert.class).deserializer(),
            expectedIds.size(), Duration.ofSeconds(10));
        assertThat(afterRestart).extracting(Alert::getAlertId).containsExactlyInAnyOrderElementsOf(expectedIds)
            .doesNotHaveDuplicates();
      } finally {
        three.close();
        two.close();
        one.close();
      }
    } finally {
      KafkaTestSupport.deleteTopics(stack, topics);
    }
  }
}
