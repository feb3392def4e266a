package io.glasswatch.streams.replay;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.testing.Events;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingReplayTest {
  @TempDir
  Path tmp;

  @Test
  void theSorterOrdersByEventTimeAcrossSpilledRunsKeepingAddOrderForEqualTimes() {
    List<String> ids = new ArrayList<>();
    try (EventTimeSorter sorter = new EventTimeSorter(tmp, 4096)) {
      for (int i = 0; i < 300; i++) {
        int minute = (i * 37) % 50;
        sorter.add(Topics.CLOUDTRAIL_EVENTS, ACCOUNT, Events.userCall("ct-" + minute + "-" + i, ACCOUNT, at(minute), "X"),
            at(minute));
      }
      assertThat(sorter.runs()).isGreaterThan(3);
      Instant last = Instant.MIN;
      for (InputRecord r : sorter.sorted()) {
        CloudTrailEvent e = (CloudTrailEvent) r.value();
        assertThat(e.getEventTime()).isAfterOrEqualTo(last).isEqualTo(r.timestamp());
        assertThat(r.key()).isEqualTo(ACCOUNT);
        last = e.getEventTime();
        ids.add(e.getEventID());
      }
    }
    assertThat(ids).hasSize(300);
    List<Integer> sameMinute = ids.stream().filter(id -> id.startsWith("ct-0-"))
        .map(id -> Integer.parseInt(id.substring(5))).toList();
    assertThat(sameMinute).isSorted().hasSizeGreaterThan(1);
    assertThat(tmp).isEmptyDirectory();
  }

  /**
   * Records larger than one of the buffer's chunks, between small ones, in runs and in the buffer
   * left at the end: every record comes back whole, in event-time order, equal times in the order
   * added.
   */
  @Test
  void theSorterKeepsRecordsLargerThanAChunkWhole() {
    java.util.Random random = new java.util.Random(7);
    List<CloudTrailEvent> added = new ArrayList<>();
    try (EventTimeSorter sorter = new EventTimeSorter(tmp, 3L * EventTimeSorter.CHUNK_BYTES)) {
      for (int i = 0; i < 400; i++) {
        int size = i % 97 == 5 ? EventTimeSorter.CHUNK_BYTES + random.nextInt(1 << 20) : random.nextInt(2000);
        CloudTrailEvent e = CloudTrailEvent.newBuilder(Events.userCall("ct-" + i, ACCOUNT, at(random.nextInt(20)), "X"))
            .setRequestParametersJson("x".repeat(size)).build();
        added.add(e);
        sorter.add(Topics.CLOUDTRAIL_EVENTS, i % 3 == 0 ? null : ACCOUNT, e, e.getEventTime());
      }
      assertThat(sorter.runs()).isGreaterThan(0);
      List<CloudTrailEvent> expected = new ArrayList<>(added);
      expected.sort(java.util.Comparator.comparing(CloudTrailEvent::getEventTime)); // stable
      List<CloudTrailEvent> sorted = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      for (InputRecord r : sorter.sorted()) {
        sorted.add((CloudTrailEvent) r.value());
        keys.add(r.key());
      }
      assertThat(sorted).isEqualTo(expected);
      assertThat(keys).containsExactlyElementsOf(expected.stream()
          .map(e -> Integer.parseInt(e.getEventID().substring(3)) % 3 == 0 ? null : ACCOUNT).toList());
    }
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void theStreamingReplayHandsOnTheSameOutputsAsTheCollectingOne() {
    List<InputRecord> in = new ArrayList<>();
    for (int i = 0; i < 2 * Replayer.DRAIN_EVERY + 5; i++) {
      in.add(Events.in(Events.userCall("ct-" + i, ACCOUNT, at(0).plusMillis(i), "DescribeInstances")));
    }
    List<TimelineEntry> streamed = new ArrayList<>();
    Map<String, Long> counts = new Replayer().replay(in, new Replayer.Output() {
      @Override
      public void timeline(TimelineEntry e) {
        streamed.add(e);
      }
    });
    assertThat(counts).containsExactly(Map.entry(Topics.CLOUDTRAIL_EVENTS, (long) in.size()));
    assertThat(streamed).isEqualTo(new Replayer().replay(in).timeline()).hasSize(in.size());
  }

  @Test
  void aRepeatedEventIdWithDifferentContentIsAConflictAndAnIdenticalOneIsNot() {
    ConflictingDuplicates d = new ConflictingDuplicates();
    CloudTrailEvent first = CloudTrailEvent.newBuilder(Events.userCall("ct-1", ACCOUNT, at(0), "X"))
        .setRecord("{\"eventID\":\"ct-1\",\"eventName\":\"X\"}").setOrigin("a.json:1").build();
    CloudTrailEvent reordered = CloudTrailEvent.newBuilder(first)
        .setRecord("{\"eventName\":\"X\", \"eventID\":\"ct-1\"}").setOrigin("b.json:7").build();
    CloudTrailEvent changed = CloudTrailEvent.newBuilder(first)
        .setRecord("{\"eventID\":\"ct-1\",\"eventName\":\"DeleteTrail\"}").setOrigin("c.json:3").build();
    CloudTrailEvent later = CloudTrailEvent.newBuilder(changed).setEventTime(at(1)).build();
    assertThat(d.check(first)).isNull();
    assertThat(d.check(reordered)).isNull();
    assertThat(d.check(changed)).isEqualTo(new ConflictingDuplicates.Conflict("ct-1", "a.json:1", "c.json:3"));
    assertThat(d.check(later)).as("another event time is another identity").isNull();
    assertThat(d.check(Events.request("r", "a", ACCOUNT, "jit", at(1)))).isNull();
    assertThat(d.duplicates()).isEqualTo(1);
    assertThat(d.conflicts()).isEqualTo(1);
    assertThat(d.check(changed)).isNull();
    assertThat(new ConflictingDuplicates.Conflict("ct-1", "a.json:1", "c.json:3").describe())
        .startsWith("c.json:3: cloudtrail: conflicting duplicate: eventID ct-1").contains("a.json:1");
    assertThat(Files.exists(tmp)).isTrue();
  }
  private static List<InputRecord> userCalls(int n) {
    List<InputRecord> in = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      in.add(Events.in(Events.userCall("ct-" + i, ACCOUNT, at(0).plusMillis(i), "DescribeInstances")));
    }
    return in;
  }

  /** {@code records}, then {@code failure} thrown by the iterator. */
  private static Iterable<InputRecord> thenFailing(List<InputRecord> records, RuntimeException failure) {
    return () -> new java.util.Iterator<>() {
      private int i;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public InputRecord next() {
        if (i == records.size()) {
          throw failure;
        }
        return records.get(i++);
      }
    };
  }

  @Test
  void anInputFailureMidwayReachesTheCallerAfterTheOutputsOfEveryEarlierRecord() {
    List<InputRecord> in = userCalls(3 * Handoff.DEFAULT_BATCH + 7);
    IllegalStateException broken = new IllegalStateException("sort run unreadable");
    List<TimelineEntry> timeline = new ArrayList<>();
    List<InputRecord> seen = new ArrayList<>();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Replayer().replay(thenFailing(in, broken),
        new Replayer.Output() {
          @Override
          public void input(InputRecord r) {
            seen.add(r);
          }

          @Override
          public void timeline(TimelineEntry e) {
            timeline.add(e);
          }
        })).isSameAs(broken);
    assertThat(seen).isEqualTo(in);
    assertThat(timeline).hasSize(in.size());
  }

  @Test
  void aRecordOnAnotherTopicMidwayFailsTheReplayAfterTheRecordsBeforeIt() {
    List<InputRecord> in = new ArrayList<>(userCalls(10));
    in.add(new InputRecord("alerts", ACCOUNT, Events.userCall("ct-x", ACCOUNT, at(1), "X"), null));
    in.addAll(userCalls(3));
    List<TimelineEntry> timeline = new ArrayList<>();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Replayer().replay(in, new Replayer.Output() {
      @Override
      public void timeline(TimelineEntry e) {
        timeline.add(e);
      }
    })).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not an input topic: alerts");
    assertThat(timeline).hasSize(10);
  }

  @Test
  void eachInputIsHandedToTheOutputBeforeItsOwnOutputsAndAfterThoseOfTheRecordsBefore() {
    List<InputRecord> in = userCalls(2 * Handoff.DEFAULT_BATCH + 3);
    List<String> calls = new ArrayList<>();
    new Replayer().replay(in, new Replayer.Output() {
      @Override
      public void input(InputRecord r) {
        calls.add("in " + ((CloudTrailEvent) r.value()).getEventID());
      }

      @Override
      public void timeline(TimelineEntry e) {
        calls.add("timeline");
      }
    });
    assertThat(calls).hasSize(2 * in.size()).startsWith("in ct-0");
    int inputs = 0;
    int entries = 0;
    for (String c : calls) {
      if (c.startsWith("in ")) {
        assertThat(c).isEqualTo("in ct-" + inputs);
        inputs++;
      } else {
        entries++;
      }
      assertThat(entries).as("no output before the input it comes from").isLessThanOrEqualTo(inputs);
    }
  }

  @Test
  void aFailingOutputStopsTheReplayWithItsOwnException() {
    List<InputRecord> in = userCalls(5 * Handoff.DEFAULT_BATCH);
    java.io.UncheckedIOException full = new java.io.UncheckedIOException("no space left on device",
        new java.io.IOException("no space left on device"));
    java.util.concurrent.atomic.AtomicInteger entries = new java.util.concurrent.atomic.AtomicInteger();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Replayer().replay(in, new Replayer.Output() {
      @Override
      public void timeline(TimelineEntry e) {
        if (entries.incrementAndGet() == 3) {
          throw full;
        }
      }
    })).isSameAs(full);
    assertThat(entries.get()).as("nothing is handed on after the failure").isEqualTo(3);
  }

  @Test
  void anEmptyInputReplaysNothing() {
    List<String> calls = new ArrayList<>();
    Map<String, Long> counts = new Replayer().replay(List.of(), new Replayer.Output() {
      @Override
      public void input(InputRecord r) {
        calls.add("input");
      }
    });
    assertThat(counts).isEmpty();
    assertThat(calls).isEmpty();
  }
}
