package io.glasswatch.report;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import io.glasswatch.sinks.timeline.TimelineIndexTemplate;
import io.glasswatch.sinks.timeline.TimelinePages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 *       paged with {@code search_after} ({@value #PAGE} documents a page). Each chain is handed over as
 *       soon as it is complete and then dropped, so memory holds one page plus the longest chain.
 * </ol>
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
  private static final String KEEP_ALIVE = "5m";
  /** Left out of every document read: rebuilt from {@code glasswatch.details_json} ({@link #withDetails}). */
  private static final List<String> DUPLICATED = List.of("glasswatch.details");
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private long searches;
  private long serverMillis;
  private long searchNanos;

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
   * @param chains receives (correlation id, its documents in chain order) once per chain
   * @return the number of documents read
   */
  public long read(ReportScope scope, BiConsumer<String, List<Map<String, Object>>> chains) {
    String pit = call(() -> client.openPointInTime(o -> o.index(pattern).keepAlive(k -> k.time(KEEP_ALIVE))
        .ignoreUnavailable(true))).id();
    try {
      List<String> ids = correlations(pit, scope);
      progress.accept(ids.size() + " break-glass events (correlations) in the period");
      long read = 0;
      int done = 0;
      for (int i = 0; i < ids.size(); i += ID_BATCH) {
        List<String> batch = ids.subList(i, Math.min(ids.size(), i + ID_BATCH));
        read += chains(pit, batch, chains);
        done += batch.size();
        progress.accept("read " + read + " documents, " + done + " of " + ids.size() + " events (" + timing() + ")");
      }
      return read;
    } finally {
      try {
        client.closePointInTime(c -> c.id(pit));
      } catch (IOException | RuntimeException e) {
        progress.accept("could not close the point in time (it expires after " + KEEP_ALIVE + "): " + e.getMessage());
      }
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
          searches++;
          serverMillis += server;
          searchNanos += wall;
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
        searches, serverMillis / 1000.0, searchNanos / 1e9);
  }

  private static <T> T call(TimelinePages.Call<T> call) {
    return TimelinePages.call(call);
  }
}
