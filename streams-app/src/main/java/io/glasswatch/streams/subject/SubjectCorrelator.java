package io.glasswatch.streams.subject;

import io.glasswatch.config.ConfigException;
import io.glasswatch.schema.Alert;
import io.glasswatch.streams.correlation.Emission;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.catalogue.Action;
import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.state.JsonSerde;
import io.glasswatch.streams.timeline.TimelineDrafts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
 * <p>Rules:
 *
 * <ul>
 *   <li>A request counts once (by request id), at the event time of its first {@code request} event.
 *       The policy is the effective one of the arriving request ({@code policy.resolve(accountId,
 *       tenant)}).
 *   <li>REPEATED_BREAK_GLASS: when a request arrives, its count is the number of the subject's requests
 *       in {@code (t - repeatWindow, t]}, {@code t} its event time. A count above {@code repeatThreshold}
 *       raises one alert on that request (correlation id and request id: the request that crossed the
 *       threshold; evidence and defining ids: the counted requests' gateway event ids in event-time
 *       order) and none again for the subject until a request arrives whose count is back at or below
 *       the threshold. The alert's timeline entry goes to stage C under the crossing request. This stage
 *       never revokes: a policy that gives REPEATED_BREAK_GLASS the {@code revoke} action is refused
 *       when the topology is built ({@link #supplier(Policy)}).
 *   <li>Purge: entries at or before {@code latest - repeatWindow} are dropped on every update (a request
 *       that old when it arrives is ignored); a subject whose latest request is a whole window behind
 *       stream time is deleted by a stream-time punctuator every {@link #PURGE_INTERVAL}.
 * </ul>
 */
public final class SubjectCorrelator implements Processor<String, SubjectRequest, String, Emission> {
  /** Store of subject state: normalized subject to JSON state. */
  public static final String STORE = "subject-state";
  /** Stream-time interval of the state purge. */
  public static final Duration PURGE_INTERVAL = Duration.ofHours(1);

  private final Policy policy;
  private ProcessorContext<String, Emission> context;
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

  private static void checkNoRevoke(String prefix, Policy p, List<String> problems) {
    if (p.alert(AlertType.REPEATED_BREAK_GLASS).has(Action.REVOKE)) {
      problems.add(prefix + "." + AlertType.REPEATED_BREAK_GLASS
          + ".actions: revoke is not supported (the alert is about a requester's history, not one grant)");
    }
  }

  @Override
  public void init(ProcessorContext<String, Emission> context) {
    this.context = context;
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
    Policy p = policy.resolve(r.accountId(), r.tenant());
    long window = p.repeatWindow().toMillis();
    if (s.latestAt != Long.MIN_VALUE && r.at() <= s.latestAt - window) {
      return;
    }
    s.latestAt = Math.max(s.latestAt, r.at());
    s.windowMs = window;
    s.entries.add(new SubjectState.Entry(r.requestId(), r.eventId(), r.at()));
    s.entries.sort(Comparator.comparingLong(SubjectState.Entry::at));
    long cutoff = s.latestAt - window;
    s.entries.removeIf(e -> e.at() <= cutoff);
    List<SubjectState.Entry> counted = s.entries.stream()
        .filter(e -> e.at() > r.at() - window && e.at() <= r.at()).toList();
    if (counted.size() <= p.repeatThreshold()) {
      s.alerted = false;
    } else if (!s.alerted) {
      s.alerted = true;
      raise(p, r, s.subject, counted);
    }
    store.put(key, s);
  }

  private void raise(Policy p, SubjectRequest r, String subject, List<SubjectState.Entry> counted) {
    long now = context.currentStreamTimeMs();
    Alert alert = AlertBuilder.of(p, AlertType.REPEATED_BREAK_GLASS)
        .correlationId(r.requestId()).requestId(r.requestId()).accountId(r.accountId()).subject(subject)
        .defining(counted.stream().map(SubjectState.Entry::eventId).toArray(String[]::new))
        .eventTime(r.at()).detectedAt(now)
        .summary(String.format("%s made %d break-glass requests within %s (at most %d allowed), the latest %s at %s.",
            subject, counted.size(), days(p.repeatWindow()), p.repeatThreshold(), r.requestId(),
            Instant.ofEpochMilli(r.at())))
        .build();
    context.forward(new Record<>(alert.getCorrelationId(), new Emission.Raised(alert), now));
    context.forward(new Record<>(alert.getCorrelationId(),
        new Emission.Timeline(TimelineDrafts.alert(alert).toEntry(r.requestId(), r.requestId())), now));
  }

  private static String days(Duration d) {
    return d.toHours() % 24 == 0 && d.toDays() > 0 ? d.toDays() + (d.toDays() == 1 ? " day" : " days")
        : d.toString();
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
