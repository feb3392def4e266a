package io.glasswatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HashingTest {

  private static TimelineEntry entry(long seq, String prev, String message) {
    return TimelineEntry.newBuilder()
        .setEntryId("cloudtrail:e1").setTimestamp(Instant.ofEpochMilli(1_600_000_000_000L))
        .setCorrelationId("account:123456789012").setSource("cloudtrail").setKind("event")
        .setAction("ConsoleLogin").setMessage(message).setSequence(seq).setPrevHash(prev).build();
  }

  @Test
  void fingerprintIsSha256HexOfTheToken() {
    assertThat(Hashing.tokenFingerprint("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void deterministicIdSeparatesParts() {
    assertThat(Hashing.deterministicId("a", "bc")).isNotEqualTo(Hashing.deterministicId("ab", "c"));
    assertThat(Hashing.deterministicId("a", "bc")).hasSize(32).isEqualTo(Hashing.deterministicId("a", "bc"));
  }

  @Test
  void hashCoversContentSequenceAndPreviousHashButNotItself() {
    TimelineEntry e = entry(1, null, "root signed in");
    String h = Hashing.timelineHash(e);
    e.setHash(h);
    assertThat(Hashing.timelineHash(e)).isEqualTo(h);
    assertThat(Hashing.timelineHash(entry(1, null, "root signed in!"))).isNotEqualTo(h);
    assertThat(Hashing.timelineHash(entry(2, null, "root signed in"))).isNotEqualTo(h);
    assertThat(Hashing.timelineHash(entry(1, "00", "root signed in"))).isNotEqualTo(h);
  }

  @Test
  void canonicalJsonSortsKeysAndWritesTimestampsAsMillis() {
    String json = Hashing.canonicalTimelineJson(entry(1, null, "m"));
    assertThat(json).startsWith("{\"accountId\":null,\"action\":\"ConsoleLogin\",")
        .contains("\"timestamp\":1600000000000").doesNotContain("\"hash\"");
  }

  /** The definition of the class Javadoc, written the plain way: a sorted map through Jackson. */
  private static String referenceCanonicalJson(TimelineEntry e) throws Exception {
    java.util.Map<String, Object> m = new java.util.TreeMap<>();
    for (org.apache.avro.Schema.Field f : TimelineEntry.getClassSchema().getFields()) {
      if (!f.name().equals("hash")) {
        Object v = e.get(f.pos());
        m.put(f.name(), v instanceof Instant i ? (Object) i.toEpochMilli() : v == null ? null : v instanceof Long ? v : v.toString());
      }
    }
    return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m);
  }

  @Test
  void canonicalJsonIsTheSortedMapOfTheFieldsWithEveryKindOfText() throws Exception {
    String[] texts = {"m", "quote \" and backslash \\", "tab\tnew\nline\r\u0000\u001f\u007f", "caf\u00e9 \u2013 \u65e5\u672c",
        "emoji \ud83d\udd12", "</script>", ""};
    for (String t : texts) {
      TimelineEntry e = TimelineEntry.newBuilder(entry(7, "ab".repeat(32), t)).setRequestId(t).setDetails("{\"k\":\"" + t + "\"}")
          .setUserAgent(t).setHash("ff".repeat(32)).build();

      assertThat(Hashing.canonicalTimelineJson(e)).as("text %s", t).isEqualTo(referenceCanonicalJson(e));
    }
  }
}
