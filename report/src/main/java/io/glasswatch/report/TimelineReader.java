package io.glasswatch.report;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregate;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregationSource;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import io.glasswatch.sinks.timeline.TimelineIndexTemplate;
import io.glasswatch.sinks.timeline.TimelinePages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Reads the chains of a report's scope from the timeline indices {@code <prefix>-*}, one correlation at
 * a time, from one point in time (a consistent snapshot even while the sink keeps writing; Elasticsearch
 * API: www.elastic.co/guide/en/elasticsearch/reference/current/point-in-time-api.html). Needs only the
 * {@code read} privilege: the report runs as the reader user.
 *
 * <ol>
 *   <li>The correlations in scope: a composite aggregation on {@code glasswatch.correlation_id} over the
 *       documents whose {@code @timestamp} is in the period (and whose {@code cloud.account.id} /
 *       {@code glasswatch.details.tenant} match when given), page by page.
 *   <li>Their whole chains (a chain that began before the period is verified from its first entry), by
 *       batches of {@value #ID_BATCH} correlation ids, sorted by correlation, sequence and entry id and
 *       paged with {@code search_after} ({@value #PAGE} documents a page), {@value #PARALLEL} batches at a
 *       time on their own threads, so that Elasticsearch works on one search while this process parses
 *       the answer of another. Each chain is handed over as soon as it is complete and then dropped, so
 *       memory holds one page plus the longest chain per reading thread.
 * </ol>
 *
 * <p>Routine account activity can be counted instead of read ({@link #read(ReportScope, BiConsumer,
 * BiConsumer)}).
 *
 * <p>Errors: {@link co.elastic.clients.elasticsearch._types.ElasticsearchException} when Elasticsearch
 * refuses a request (403 for a user without read access), {@link UncheckedIOException} when it cannot
 * be reached.
 */
public final class TimelineReader {
  /** Documents per search page. */
  static final int PAGE = 5000;
  /** Correlation ids per chain query. */
  static final int ID_BATCH = 512;
  /** Chain queries in flight at once (each on its own thread). */
  static final int PARALLEL = 2;
  private static final String KEEP_ALIVE = "5m";
  /** Left out of every document read: rebuilt from {@code glasswatch.details_json} ({@link #withDetails}). */
  private static final List<String> DUPLICATED = List.of("glasswatch.details");
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private final LongAdder searches = new LongAdder();
  private final LongAdder serverMillis = new LongAdder();
  private final LongAdder searchNanos = new LongAdder();

  private final ElasticsearchClient client;
  private final String pattern;
  private final Consumer<String> progress;

  /**
   * @param client a client of a user allowed to read {@code <prefix>-*} (not closed here)
   * @param prefix the timeline index prefix ({@code elasticsearch.timeline.index-prefix})
   * @param progress receives one line per page read
   */
  public TimelineReader(ElasticsearchClient client, String prefix, Consumer<String> progress) {
    this.client = Objects.requireNonNull(client, "client");
    this.pattern = TimelineIndexTemplate.pattern(prefix);
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /**
   * Reads every chain in scope.
   *
   * @param scope period, account and tenant
   * @param chains receives (correlation id, its documents in chain order) once per chain, from the
   *     reading threads ({@value #PARALLEL} at a time, so it must be thread-safe); an exception it throws
   *     ends the read and is rethrown here
   * @return the number of documents read
   */
  public long read(ReportScope scope, BiConsumer<String, List<Map<String, Object>>> chains) {
    return read(scope, chains, null);
  }

  /**
   * Reads every chain in scope except routine account activity, which is only counted: an
   * {@code account:<id>} correlation none of whose documents is root activity
   * ({@code glasswatch.details.rootActivity}), an alert or an enforcement step (the rule of
   * {@link ReportBuilder#breakGlass}, asked of Elasticsearch with one aggregation) is handed to
   * {@code routine} with its document count instead of being read. Routine CloudTrail activity is most
   * of a real timeline, and the report does not review it.
   *
   * @param scope period, account and tenant
   * @param chains as {@link #read(ReportScope, BiConsumer)}
   * @param routine receives (correlation id, number of documents of its whole chain) for each routine
   *     account correlation in scope, on the calling thread; null reads those chains too
   * @return the number of documents read (routine ones not included)
   */
  public long read(ReportScope scope, BiConsumer<String, List<Map<String, Object>>> chains,
      BiConsumer<String, Long> routine) {
    String pit = call(() -> client.openPointInTime(o -> o.index(pattern).keepAlive(k -> k.time(KEEP_ALIVE))
        .ignoreUnavailable(true))).id();
    try {
      long t0 = System.nanoTime();
      List<String> ids = correlations(pit, scope);
      List<String> toRead = ids;
      long counted = 0;
      if (routine != null) {
        Map<String, Long> routineCounts = routineAccounts(pit);
        toRead = new ArrayList<>(ids.size());
        for (String id : ids) {
          Long n = routineCounts.get(id);
          if (n == null) {
            toRead.add(id);
          } else {
            routine.accept(id, n);
            counted += n;
          }
        }
      }
      progress.accept(String.format(java.util.Locale.ROOT, "%d correlations in the period (%.1f s): %d to read, "
              + "%d routine account activity (%d documents counted, not read)", ids.size(),
          (System.nanoTime() - t0) / 1e9, toRead.size(), ids.size() - toRead.size(), counted));
      return readBatches(pit, toRead, chains);
    } finally {
      try {
        client.closePointInTime(c -> c.id(pit));
      } catch (IOException | RuntimeException e) {
        progress.accept("could not close the point in time (it expires after " + KEEP_ALIVE + "): " + e.getMessage());
      }
    }
  }

  /**
   * The {@code account:} correlations that are routine activity (see {@link #read(ReportScope,
   * BiConsumer, BiConsumer)}), each with the number of documents of its whole chain: a composite
   * aggregation over every {@code account:} document with a filter sub-aggregation counting the
   * break-glass ones.
   */
  private Map<String, Long> routineAccounts(String pit) {
    Query accounts = Query.of(q -> q.prefix(p -> p.field("glasswatch.correlation_id").value("account:")));
    Query breakGlass = Query.of(q -> q.bool(b -> b.minimumShouldMatch("1")
        .should(sh -> sh.term(t -> t.field("glasswatch.details.rootActivity").value("true")))
        .should(sh -> sh.terms(t -> t.field("glasswatch.kind").terms(v -> v.value(
            List.of(FieldValue.of("alert"), FieldValue.of("enforcement"))))))));
    Map<String, Long> out = new java.util.HashMap<>();
    Map<String, FieldValue> after = null;
    while (true) {
      Map<String, FieldValue> afterKey = after;
      SearchResponse<Void> page = call(() -> client.search(s -> s
          .pit(p -> p.id(pit).keepAlive(k -> k.time(KEEP_ALIVE))).size(0).query(accounts)
          .aggregations("ids", a -> a.composite(c -> {
            c.size(PAGE).sources(Map.of("id", CompositeAggregationSource.of(src -> src
                .terms(t -> t.field("glasswatch.correlation_id")))));
            if (afterKey != null) {
              c.after(afterKey);
            }
            return c;
          }).aggregations("breakGlass", sub -> sub.filter(breakGlass))), Void.class));
      if (page.aggregations() == null || !page.aggregations().containsKey("ids")) {
        return out;
      }
      CompositeAggregate ids = page.aggregations().get("ids").composite();
      List<CompositeBucket> buckets = ids.buckets().array();
      for (CompositeBucket b : buckets) {
        if (b.aggregations().get("breakGlass").filter().docCount() == 0) {
          out.put(b.key().get("id").stringValue(), b.docCount());
        }
      }
      if (buckets.size() < PAGE || ids.afterKey() == null || ids.afterKey().isEmpty()) {
        return out;
      }
      after = ids.afterKey();
    }
  }

  /**
   * Reads the chains of {@code ids} by batches of {@value #ID_BATCH}, {@value #PARALLEL} batches at a
   * time, so that Elasticsearch answers one search while this process parses the last; progress once per
   * batch, in batch order.
   */
  private long readBatches(String pit, List<String> ids, BiConsumer<String, List<Map<String, Object>>> chains) {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL,
        Thread.ofPlatform().name("report-read-", 0).daemon(true).factory());
    try {
      List<Future<Long>> batches = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      for (int i = 0; i < ids.size(); i += ID_BATCH) {
        List<String> batch = ids.subList(i, Math.min(ids.size(), i + ID_BATCH));
        batches.add(pool.submit(() -> chains(pit, batch, chains)));
        sizes.add(batch.size());
      }
      long read = 0;
      int done = 0;
      for (int b = 0; b < batches.size(); b++) {
        read += await(batches.get(b));
        done += sizes.get(b);
        progress.accept("read " + read + " documents, " + done + " of " + ids.size() + " events (" + timing() + ")");
      }
      return read;
    } finally {
      pool.shutdownNow();
    }
  }

  private static long await(Future<Long> batch) {
    try {
      return batch.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the timeline", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("reading the timeline failed: " + e.getCause(), e.getCause());
    }
  }

  private List<String> correlations(String pit, ReportScope scope) {
    return TimelinePages.correlationIds(client, TimelinePages.Target.pointInTime(pit, KEEP_ALIVE), scopeQuery(scope),
        PAGE);
  }

  /** The filter of {@link ReportBuilder#inScope}, as an Elasticsearch query. */
  static Query scopeQuery(ReportScope scope) {
    return Query.of(q -> q.bool(b -> {
      b.filter(f -> f.range(r -> r.date(d -> d.field("@timestamp").gte(scope.from().toString())
          .lt(scope.to().toString()))));
      if (scope.accountId() != null) {
        b.filter(f -> f.term(t -> t.field("cloud.account.id").value(scope.accountId())));
      }
      if (scope.tenant() != null) {
        b.filter(f -> f.term(t -> t.field("glasswatch.details.tenant").value(scope.tenant())));
      }
      return b;
    }));
  }

  private long chains(String pit, List<String> ids, BiConsumer<String, List<Map<String, Object>>> chains) {
    List<FieldValue> values = ids.stream().map(FieldValue::of).toList();
    Query query = Query.of(q -> q.terms(t -> t.field("glasswatch.correlation_id").terms(v -> v.value(values))));
    var open = new Object() {
      String current;
      List<Map<String, Object>> chain = new ArrayList<>();
    };
    long read = TimelinePages.documents(client, TimelinePages.Target.pointInTime(pit, KEEP_ALIVE), query,
        List.of("glasswatch.correlation_id", "glasswatch.sequence", "glasswatch.entry_id"), DUPLICATED, PAGE, d -> {
          Map<String, Object> doc = withDetails(d);
          String id = Docs.text(doc, "glasswatch", "correlation_id");
          if (open.current != null && !open.current.equals(id)) {
            chains.accept(open.current, open.chain);
            open.chain = new ArrayList<>();
          }
          open.current = id;
          open.chain.add(doc);
        }, (server, wall) -> {
          searches.increment();
          serverMillis.add(server);
          searchNanos.add(wall);
        });
    if (open.current != null) {
      chains.accept(open.current, open.chain);
    }
    return read;
  }

  /**
   * Puts back {@code glasswatch.details}, which the search leaves out: it is {@code glasswatch.details_json}
   * (the exact text, also needed for the hash) parsed, as the sink stores it ({@code TimelineDocuments}); a
   * text that is not a JSON object becomes {@code {"value": text}}. Halves what Elasticsearch sends.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> withDetails(Map<String, Object> doc) {
    if (doc.get("glasswatch") instanceof Map<?, ?> gw && gw.get("details_json") instanceof String json
        && !json.isBlank()) {
      Object details;
      try {
        details = JSON.readValue(json, Object.class);
      } catch (IOException e) {
        details = null;
      }
      ((Map<String, Object>) gw).put("details", details instanceof Map<?, ?> ? details : Map.of("value", json));
    }
    return doc;
  }

  /** {@code searches=N, server=S s, wall=W s}: the chain searches made so far and their time. */
  String timing() {
    return String.format(java.util.Locale.ROOT, "%d searches, %.1f s in Elasticsearch, %.1f s with transfer and parsing",
        searches.sum(), serverMillis.sum() / 1000.0, searchNanos.sum() / 1e9);
  }

  private static <T> T call(TimelinePages.Call<T> call) {
    return TimelinePages.call(call);
  }
}
