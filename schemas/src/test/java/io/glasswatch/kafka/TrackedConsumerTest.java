package io.glasswatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrackedConsumerTest {
  private static final String TOPIC = "commands";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

  private MockConsumer<String, String> mock;
  private final List<String> events = new ArrayList<>();
  private TrackedConsumer<String, String> loop;
  private final List<OffsetTracker.Ticket> tickets = new ArrayList<>();

  @BeforeEach
  void setUp() {
    mock = new MockConsumer<>("earliest");
    loop = new TrackedConsumer<>(mock, new TrackedConsumer.Hooks() {
      @Override
      public void assigned(Collection<TopicPartition> partitions) {
        events.add("assigned " + partitions);
      }

      @Override
      public void revoked(Collection<TopicPartition> partitions) {
        events.add("revoked " + partitions + " committed " + mock.committed(Set.copyOf(partitions)));
      }
    }, "test");
    loop.subscribe(List.of(TOPIC));
    mock.rebalance(List.of(P0, P1));
    mock.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
  }

  private void records(TopicPartition tp, long from, long to) {
    for (long o = from; o <= to; o++) {
      mock.addRecord(new ConsumerRecord<>(TOPIC, tp.partition(), o, "k", "v" + o));
    }
  }

  private long committed(TopicPartition tp) {
    OffsetAndMetadata om = mock.committed(Set.of(tp)).get(tp);
    return om == null ? -1 : om.offset();
  }

  private void poll() {
    loop.poll(Duration.ofMillis(10), (r, t) -> tickets.add(t));
  }

  @Test
  void commitsNothingWhileTheWorkOfTheFirstRecordIsUnfinished() {
    records(P0, 0, 2);
    poll();
    loop.ack(tickets.get(1));
    loop.ack(tickets.get(2));
    loop.commit();
    assertThat(committed(P0)).isEqualTo(-1);
    assertThat(loop.pending()).isEqualTo(1);

    loop.ack(tickets.get(0));
    loop.commit();
    assertThat(committed(P0)).isEqualTo(3);
    assertThat(loop.pending()).isZero();
  }

  @Test
  void acknowledgementsFromWorkerThreadsApplyOnThePollingThreadWithTheirAction() throws Exception {
    records(P0, 0, 1);
    poll();
    List<String> seen = new ArrayList<>();
    Thread polling = Thread.currentThread();
    CompletableFuture.runAsync(() -> {
      loop.ack(tickets.get(0), () -> seen.add("first on " + (Thread.currentThread() == polling)));
      loop.ack(tickets.get(1), () -> seen.add("second on " + (Thread.currentThread() == polling)));
    }).get();
    assertThat(seen).isEmpty();
    loop.commit();
    assertThat(seen).containsExactly("first on true", "second on true");
    assertThat(committed(P0)).isEqualTo(2);
  }

  @Test
  void aRevokeCommitsTheFinishedPrefixAndALateAcknowledgementDoesNotMoveTheNextOwnersCommit() {
    records(P0, 0, 1);
    poll();
    loop.ack(tickets.get(0));
    mock.rebalance(List.of(P1));
    // committed before the partition was forgotten (MockConsumer answers 0 for partitions it no longer holds)
    assertThat(events).anySatisfy(e -> assertThat(e).startsWith("revoked [" + P0 + "] committed {" + P0 + "=Offset")
        .contains("offset=1,"));

    // the partition comes back: offset 1 is read again in a new epoch; the old ticket of 1 is stale
    mock.rebalance(List.of(P0, P1));
    mock.seek(P0, 1);
    records(P0, 1, 1);
    tickets.clear();
    poll();
    OffsetTracker.Ticket fresh = tickets.getFirst();
    assertThat(fresh.offset()).isEqualTo(1);
    loop.commit();
    assertThat(committed(P0)).isEqualTo(1);
    loop.ack(fresh);
    loop.commit();
    assertThat(committed(P0)).isEqualTo(2);
  }

  @Test
  void aStaleTicketAcknowledgedAfterReassignmentIsIgnored() {
    records(P0, 0, 0);
    poll();
    OffsetTracker.Ticket old = tickets.getFirst();
    mock.rebalance(List.of(P1));
    mock.rebalance(List.of(P0, P1));
    mock.seek(P0, 0);
    records(P0, 0, 0);
    tickets.clear();
    poll();
    loop.ack(old);
    loop.commit();
    assertThat(committed(P0)).isEqualTo(-1);
    assertThat(loop.pending()).isEqualTo(1);
  }

  @Test
  void drainCommitsWhatFinishedAndReportsWhatIsLeftAfterItsTimeout() {
    records(P0, 0, 2);
    poll();
    loop.ack(tickets.get(0));
    long start = System.nanoTime();
    int left = loop.drain(Duration.ofMillis(200), () -> false);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(left).isEqualTo(2);
    assertThat(committed(P0)).isEqualTo(1);
  }

  @Test
  void drainReturnsAsSoonAsTheLastTicketIsAcknowledged() {
    records(P0, 0, 0);
    poll();
    CompletableFuture.runAsync(() -> loop.ack(tickets.getFirst()),
        CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS));
    assertThat(loop.drain(Duration.ofSeconds(30), () -> false)).isZero();
    assertThat(committed(P0)).isEqualTo(1);
  }

  @Test
  void drainStopsWaitingWhenTheServiceSaysSo() {
    records(P0, 0, 0);
    poll();
    long start = System.nanoTime();
    assertThat(loop.drain(Duration.ofSeconds(30), () -> true)).isEqualTo(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(committed(P0)).isEqualTo(-1);
  }

  @Test
  void anUnhealthyServiceCommitsNothingNotEvenOnRevokeOrDrain() {
    java.util.concurrent.atomic.AtomicBoolean healthy = new java.util.concurrent.atomic.AtomicBoolean(true);
    MockConsumer<String, String> m = new MockConsumer<>("earliest");
    TrackedConsumer<String, String> l = new TrackedConsumer<>(m, new TrackedConsumer.Hooks() { }, "test", healthy::get);
    l.subscribe(List.of(TOPIC));
    m.rebalance(List.of(P0));
    m.updateBeginningOffsets(Map.of(P0, 0L));
    m.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "k", "v0"));
    m.addRecord(new ConsumerRecord<>(TOPIC, 0, 1, "k", "v1"));
    List<OffsetTracker.Ticket> ts = new ArrayList<>();
    l.poll(Duration.ofMillis(10), (r, t) -> ts.add(t));
    l.ack(ts.get(0));
    l.commit();
    assertThat(m.committed(Set.of(P0)).get(P0).offset()).isEqualTo(1);
    healthy.set(false);
    l.ack(ts.get(1));
    assertThat(l.commit()).isEmpty();
    assertThat(l.drain(Duration.ofMillis(50), () -> true)).isZero();
    assertThat(m.committed(Set.of(P0)).get(P0).offset()).isEqualTo(1);
  }
}
