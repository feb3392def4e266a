package io.glasswatch.streams.correlation;

import static io.glasswatch.streams.testing.Events.ACCOUNT;
import static io.glasswatch.streams.testing.Events.at;
import static io.glasswatch.streams.testing.Events.rootUsageFinding;
import static io.glasswatch.streams.testing.Events.userCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GuardDutyFinding;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The input de-duplication's verdicts (new, copy, conflict) over real Kafka Streams stores, with its
 * Bloom filter ({@link KnownKeys}) in front: the same verdicts as a plain model, across restarts (a new
 * {@link InputDedup} over the stores the old one wrote) and filter rebuilds.
 */
class InputDedupTest {
  private final KeyValueStore<String, Long> cloudTrailSeen = store(AccountCorrelator.CLOUDTRAIL_SEEN, Serdes.Long());
  private final KeyValueStore<String, Long> guardDutySeen = store(AccountCorrelator.GUARDDUTY_SEEN, Serdes.Long());
  private final KeyValueStore<String, String> digests = store(AccountCorrelator.INPUT_DIGESTS, Serdes.String());

  private static <V> KeyValueStore<String, V> store(String name, org.apache.kafka.common.serialization.Serde<V> serde) {
    KeyValueStore<String, V> s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde)
        .withLoggingDisabled().build();
    s.init(new MockProcessorContext<>().getStateStoreContext(), s);
    return s;
  }

  private InputDedup dedup(long minCapacity) {
    return new InputDedup(cloudTrailSeen, guardDutySeen, digests, minCapacity);
  }

  private static CloudTrailEvent call(String id, String name) {
    return userCall(id, ACCOUNT, at(0), name);
  }

  @Test
  void newThenCopyThenConflictThenTheConflictsCopy() {
    InputDedup d = dedup(KnownKeys.MIN_CAPACITY);

    assertThat(d.admit(call("ct-1", "DescribeInstances"))).isEqualTo(InputDedup.Verdict.NEW);
    assertThat(d.admit(CloudTrailEvent.newBuilder(call("ct-1", "DescribeInstances")).setOrigin("b.json:2").build()))
        .as("the same content read from another file").isEqualTo(InputDedup.Verdict.COPY);
    assertThat(d.admit(call("ct-1", "DeleteTrail"))).isEqualTo(InputDedup.Verdict.CONFLICT);
    assertThat(d.admit(call("ct-1", "DeleteTrail"))).isEqualTo(InputDedup.Verdict.COPY);
    assertThat(d.admit(call("ct-2", "DescribeInstances"))).isEqualTo(InputDedup.Verdict.NEW);
  }

  @Test
  void afterARestartTheStoredKeysAreStillKnown() {
    InputDedup before = dedup(KnownKeys.MIN_CAPACITY);
    before.admit(call("ct-1", "DescribeInstances"));
    GuardDutyFinding finding = rootUsageFinding("gd-1", ACCOUNT, at(0), false);
    long t = at(0).toEpochMilli();
    before.admit(finding, t, t);

    InputDedup after = dedup(KnownKeys.MIN_CAPACITY); // a new processor over the restored stores

    assertThat(after.admit(call("ct-1", "DescribeInstances"))).isEqualTo(InputDedup.Verdict.COPY);
    assertThat(after.admit(call("ct-1", "DeleteTrail"))).isEqualTo(InputDedup.Verdict.CONFLICT);
    assertThat(after.admit(finding, t, t)).isEqualTo(InputDedup.Verdict.COPY);
    assertThat(after.admit(GuardDutyFinding.newBuilder(finding).setRemoteIp("203.0.113.9").build(), t, t))
        .isEqualTo(InputDedup.Verdict.CONFLICT);
  }

  @Test
  void aSeenKeyWithoutDigestsCountsAsACopyWhateverItsContent() {
    long t = at(0).toEpochMilli();
    cloudTrailSeen.put(AccountCorrelator.seenKey(t, "ct-legacy"), t); // written before the digests store existed
    guardDutySeen.put(AccountCorrelator.seenKey(t, "gd-legacy|" + t), t);

    InputDedup d = dedup(KnownKeys.MIN_CAPACITY);

    assertThat(d.admit(call("ct-legacy", "DeleteTrail"))).isEqualTo(InputDedup.Verdict.COPY);
    assertThat(d.admit(rootUsageFinding("gd-legacy", ACCOUNT, at(0), false), t, t)).isEqualTo(InputDedup.Verdict.COPY);
    assertThat(d.admit(call("ct-other", "DeleteTrail"))).isEqualTo(InputDedup.Verdict.NEW);
  }

  @Test
  void keysPurgedByRetentionAreNewAgain() {
    InputDedup d = dedup(KnownKeys.MIN_CAPACITY);
    d.admit(call("ct-1", "DescribeInstances"));

    d.purge(at(1).toEpochMilli());

    assertThat(cloudTrailSeen.approximateNumEntries()).isZero();
    assertThat(d.admit(call("ct-1", "DescribeInstances"))).as("the filter still says 'maybe'; the stores say new")
        .isEqualTo(InputDedup.Verdict.NEW);
  }

  /**
   * Any sequence of inputs, with restarts and a filter small enough to be rebuilt many times, gets the
   * verdicts of a plain model: the first content of an id is new, a content seen before under it a copy,
   * any other a conflict.
   */
  @Property(tries = 60)
  void verdictsAreThoseOfThePlainModel(@ForAll("inputs") List<Tuple.Tuple3<Integer, Integer, Boolean>> inputs) {
    clear(cloudTrailSeen);
    clear(digests);
    Map<String, Set<String>> model = new HashMap<>();
    InputDedup d = dedup(1);
    for (Tuple.Tuple3<Integer, Integer, Boolean> in : inputs) {
      if (in.get3()) {
        d = dedup(1); // a restart: the filter is built from the stores again
      }
      String id = "ct-" + in.get1();
      String content = "Call" + in.get2();
      Set<String> seen = model.computeIfAbsent(id, k -> new HashSet<>());
      InputDedup.Verdict expected = seen.isEmpty() ? InputDedup.Verdict.NEW
          : seen.contains(content) ? InputDedup.Verdict.COPY : InputDedup.Verdict.CONFLICT;
      seen.add(content); // at most 4 contents per id: all remembered (MAX_DIGESTS 8)
      assertThat(d.admit(call(id, content))).as("%s %s", id, content).isEqualTo(expected);
    }
  }

  private static <V> void clear(KeyValueStore<String, V> store) {
    List<String> keys = new java.util.ArrayList<>();
    try (var it = store.all()) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(store::delete);
  }

  /**
   * The digest fed part by part is the SHA-256 of the joined text, as digests were computed when they
   * were first stored, for any text: any UTF-16 chars (lone surrogates included) and nulls.
   */
  @Property(tries = 300)
  void theDigestIsThatOfTheJoinedText(@ForAll("parts") List<String> parts) {
    StringBuilder joined = new StringBuilder();
    for (String p : parts) {
      String v = p == null ? "\u0000" : p;
      joined.append(v.length()).append(':').append(v).append('\n');
    }

    assertThat(InputDedup.digest(new java.util.ArrayList<>(parts)))
        .isEqualTo(io.glasswatch.schema.Hashing.sha256Hex(joined.toString()));
  }

  @Provide
  Arbitrary<List<String>> parts() {
    Arbitrary<String> text = Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.strings().withChars('\ud800', '\udc00', 'a', ':', '\n', '\u00e9').ofMaxLength(8));
    return text.injectNull(0.1).list().ofMaxSize(30);
  }

  @Provide
  Arbitrary<List<Tuple.Tuple3<Integer, Integer, Boolean>>> inputs() {
    return Arbitraries.integers().between(0, 80).flatMap(ids -> Arbitraries.integers().between(0, 3)
        .flatMap(contents -> Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(true)),
            Tuple.of(40, Arbitraries.just(false)))
            .map(restart -> Tuple.of(ids, contents, restart))))
        .list().ofMinSize(1).ofMaxSize(600);
  }
}
