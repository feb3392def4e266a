package io.glasswatch.sinks.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.sinks.timeline.TimelineVerifier.ChainReport;
import io.glasswatch.sinks.timeline.TimelineVerifier.Finding;
import io.glasswatch.sinks.timeline.TimelineVerifier.Problem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimelineVerifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  /** Documents as Elasticsearch returns them: the JSON the sink sent, parsed back. */
  private static List<Map<String, Object>> chain(int n) throws Exception {
    List<Map<String, Object>> docs = new ArrayList<>();
    String prev = null;
    for (int i = 1; i <= n; i++) {
      TimelineEntry e = TimelineEntries.usage("req-1", i, T0.plusSeconds(i), prev);
      prev = e.getHash();
      docs.add(roundTrip(TimelineDocuments.toDocument(e)));
    }
    return docs;
  }

  private static Map<String, Object> roundTrip(Map<String, Object> doc) throws Exception {
    return JSON.readValue(TimelineDocuments.toJson(doc), new TypeReference<Map<String, Object>>() {});
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> gw(Map<String, Object> doc) {
    return (Map<String, Object>) doc.get("glasswatch");
  }

  private static String id(int sequence) {
    return "gateway:req-1/usage/" + sequence;
  }

  @Test
  void anIntactChainRecomputesFromItsDocuments() throws Exception {
    ChainReport r = TimelineVerifier.verify("req-1", chain(5));
    assertThat(r.findings()).isEmpty();
    assertThat(r.intact()).isTrue();
    assertThat(r.headSequence()).isEqualTo(5);
    assertThat(r.links()).allMatch(l -> l.storedHash().equals(l.recomputedHash()));
  }

  @Test
  void theDocumentRebuildsTheEntryTheStreamsAppHashedForEveryField() throws Exception {
    TimelineEntry full = TimelineEntries.fullAlert();
    TimelineEntry rebuilt = TimelineDocuments.toEntry(roundTrip(TimelineDocuments.toDocument(full)));
    assertThat(rebuilt).isEqualTo(full);
    assertThat(Hashing.timelineHash(rebuilt)).isEqualTo(full.getHash());
  }

  @Test
  void namesAnEditedMessage() throws Exception {
    List<Map<String, Object>> docs = chain(5);
    docs.get(2).put("message", "nothing to see here");
    assertThat(TimelineVerifier.verify("req-1", docs).findings())
        .extracting(Finding::entryId, Finding::problem).containsExactly(org.assertj.core.groups.Tuple.tuple(id(3), Problem.EDITED));
  }

  @Test
  void namesAnEditedOutcomeAndDetailsEvenWhereTheEcsFieldsAgree() throws Exception {
    List<Map<String, Object>> docs = chain(4);
    gw(docs.get(0)).put("outcome", "deny");
    gw(docs.get(3)).put("details_json", "{\"resource\":\"arn:aws:s3:::other\",\"n\":4}");
    assertThat(TimelineVerifier.verify("req-1", docs).findings()).extracting(Finding::entryId, Finding::problem)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(id(1), Problem.EDITED),
            org.assertj.core.groups.Tuple.tuple(id(4), Problem.EDITED));
  }

  @Test
  void namesAnEditWhoseHashWasRecomputedThroughTheNextLink() throws Exception {
    List<Map<String, Object>> docs = chain(4);
    docs.get(1).put("message", "rewritten");
    TimelineEntry forged = TimelineDocuments.toEntry(docs.get(1));
    gw(docs.get(1)).put("hash", Hashing.timelineHash(forged));
    assertThat(TimelineVerifier.verify("req-1", docs).findings()).singleElement().satisfies(f -> {
      assertThat(f.entryId()).isEqualTo(id(2));
      assertThat(f.problem()).isEqualTo(Problem.EDITED);
      assertThat(f.detail()).contains(id(3));
    });
  }

  @Test
  void namesTheEntryAfterADeletedOne() throws Exception {
    List<Map<String, Object>> docs = chain(6);
    docs.remove(2);
    docs.remove(2);
    assertThat(TimelineVerifier.verify("req-1", docs).findings()).singleElement().satisfies(f -> {
      assertThat(f.entryId()).isEqualTo(id(5));
      assertThat(f.problem()).isEqualTo(Problem.MISSING);
      assertThat(f.detail()).contains("sequences 3 to 4").contains("no such entry");
    });
  }

  @Test
  void namesBothEntriesWhoseSequencesWereSwapped() throws Exception {
    List<Map<String, Object>> docs = chain(5);
    gw(docs.get(1)).put("sequence", 3);
    gw(docs.get(2)).put("sequence", 2);
    Collections.shuffle(docs);
    assertThat(TimelineVerifier.verify("req-1", docs).findings()).extracting(Finding::entryId, Finding::problem)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(id(2), Problem.REORDERED),
            org.assertj.core.groups.Tuple.tuple(id(3), Problem.REORDERED));
  }

  @Test
  void namesADuplicatedSequenceAndAMissingFirstEntry() throws Exception {
    List<Map<String, Object>> docs = chain(3);
    Map<String, Object> copy = roundTrip(docs.get(1));
    gw(copy).put("entry_id", "gateway:req-1/usage/2b");
    docs.add(copy);
    docs.remove(0);
    assertThat(TimelineVerifier.verify("req-1", docs).findings()).extracting(Finding::entryId, Finding::problem)
        .contains(org.assertj.core.groups.Tuple.tuple(id(2), Problem.MISSING),
            org.assertj.core.groups.Tuple.tuple("gateway:req-1/usage/2b", Problem.EDITED));
  }

  @Test
  void reportsRedactedAndMalformedEntriesInsteadOfTrustingThem() throws Exception {
    TimelineEntry secret = TimelineEntry.newBuilder(TimelineEntries.usage("req-1", 1, T0, null))
        .setDetails("{\"password\":\"hunter2\"}").build();
    secret.setHash(Hashing.timelineHash(secret));
    Map<String, Object> doc = roundTrip(TimelineDocuments.toDocument(secret));
    assertThat(TimelineDocuments.toJson(doc)).asString(java.nio.charset.StandardCharsets.UTF_8).doesNotContain("hunter2");
    Map<String, Object> broken = chain(2).get(1);
    broken.remove("message");
    assertThat(TimelineVerifier.verify("req-1", List.of(doc, broken)).findings())
        .extracting(Finding::entryId, Finding::problem)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(id(1), Problem.UNVERIFIABLE),
            org.assertj.core.groups.Tuple.tuple(id(2), Problem.MALFORMED));
  }
}
