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
}
