package io.glasswatch.streams.subject;

import io.glasswatch.config.ConfigException;
import io.glasswatch.schema.Alert;
import io.glasswatch.streams.correlation.Emission;
import io.glasswatch.streams.correlation.SubjectRequest;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.detection.RuleCatalogue;
import io.glasswatch.catalogue.Action;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.state.JsonSerde;
import io.glasswatch.streams.timeline.TimelineDrafts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The subject stage, keyed by the normalized subject ({@link SubjectRequest#keyOf}): one requester's
 * break-glass requests across requests and accounts. Input: {@link SubjectRequest}s from stage A through
 * the {@code requests-by-subject} repartition. State: store {@value #STORE} (JSON {@code SubjectState}).
 *
 * <p>Rules: one {@link SubjectRule} class per alert type (today REPEATED_BREAK_GLASS,
 * {@code RepeatedBreakGlassRule}, whose Javadoc states it), found from the catalogue by
 * {@link RuleCatalogue}. This class keeps the orchestration:
 *
 * <ul>
 *   <li>A request counts once (by request id): a request already in the subject's state is ignored.
 *   <li>This stage never revokes: a policy that gives a subject rule's type the {@code revoke} action is
 *       refused when the topology is built ({@link #supplier(Policy)}). Alerts' timeline entries go to
 *       stage C under the alert's request.
 *   <li>Purge: a subject whose latest request is a whole window behind stream time is deleted by a
 *       stream-time punctuator every {@link #PURGE_INTERVAL}.
 * </ul>
 */
public final class SubjectCorrelator implements Processor<String, SubjectRequest, String, Emission> {
  /** Store of subject state: normalized subject to JSON state. */
  public static final String STORE = "subject-state";
  /** Stream-time interval of the state purge. */
  public static final Duration PURGE_INTERVAL = Duration.ofHours(1);

  private final Policy policy;
  private ProcessorContext<String, Emission> processorContext;
  private final SubjectContext context = new Context();
  private KeyValueStore<String, SubjectState> store;

  private SubjectCorrelator(Policy policy) {
    this.policy = policy;
  }

  /**
   * A supplier of subject correlators applying {@code policy}, declaring the {@value #STORE} store.
   *
   * @throws ConfigException when the policy, or one of its account or tenant overrides, gives
   *     REPEATED_BREAK_GLASS the {@code revoke} action (the alert is about a requester's history, there
   *     is no one grant to revoke)
   */
  public static ProcessorSupplier<String, SubjectRequest, String, Emission> supplier(Policy policy) {
    List<String> problems = new ArrayList<>();
    checkNoRevoke("alerts", policy, problems);
    policy.accountPolicies().forEach((k, p) -> checkNoRevoke("accounts." + k + ".alerts", p, problems));
    policy.tenantPolicies().forEach((k, p) -> checkNoRevoke("tenants." + k + ".alerts", p, problems));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new ProcessorSupplier<>() {
      @Override
      public Processor<String, SubjectRequest, String, Emission> get() {
        return new SubjectCorrelator(policy);
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
            new JsonSerde<>(SubjectState.class)));
      }
    };
  }

  /** The stage's rules, in rank order. */
  static final List<SubjectRule> RULES = RuleCatalogue.load(SubjectCorrelator.class.getPackageName(),
      SubjectRule.class, SubjectRule::type, SubjectRule::rank);

  private static void checkNoRevoke(String prefix, Policy p, List<String> problems) {
    for (SubjectRule rule : RULES) {
      if (p.alert(rule.type()).has(Action.REVOKE)) {
        problems.add(prefix + "." + rule.type()
            + ".actions: revoke is not supported (the alert is about a requester's history, not one grant)");
      }
    }
  }

  @Override
  public void init(ProcessorContext<String, Emission> context) {
    this.processorContext = context;
    this.store = context.getStateStore(STORE);
    context.schedule(PURGE_INTERVAL, PunctuationType.STREAM_TIME, this::purge);
  }

  @Override
  public void process(Record<String, SubjectRequest> record) {
    SubjectRequest r = record.value();
    String key = record.key();
    SubjectState s = store.get(key);
    if (s == null) {
      s = new SubjectState(r.subject());
    }
    if (s.entries.stream().anyMatch(e -> e.requestId().equals(r.requestId()))) {
      return;
    }
    boolean changed = false;
    for (SubjectRule rule : RULES) {
      changed |= rule.onRequest(s, r, context);
    }
    if (changed) {
      store.put(key, s);
    }
  }

  /** The {@link SubjectContext} over this task's Kafka Streams context. */
  private final class Context implements SubjectContext {
    @Override
    public long now() {
      return processorContext.currentStreamTimeMs();
    }

    @Override
    public Policy policy(String accountId, String tenant) {
      return policy.resolve(accountId, tenant);
    }

    @Override
    public void raise(AlertBuilder b) {
      long now = now();
      Alert alert = b.build();
      processorContext.forward(new Record<>(alert.getCorrelationId(), new Emission.Raised(alert), now));
      processorContext.forward(new Record<>(alert.getCorrelationId(),
          new Emission.Timeline(TimelineDrafts.alert(alert).toEntry(alert.getCorrelationId(), alert.getRequestId())),
          now));
    }
  }

  private void purge(long streamTime) {
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, SubjectState> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, SubjectState> kv = it.next();
        if (kv.value.latestAt + kv.value.windowMs <= streamTime) {
          expired.add(kv.key);
        }
      }
    }
    expired.forEach(store::delete);
  }
}
