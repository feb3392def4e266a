package io.glasswatch.sinks.timeline;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregate;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregationSource;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The paged reads of the timeline indices, shared by the investigator's queries ({@link TimelineQueries})
 * and the access review report: every correlation id (a composite aggregation on
 * {@code glasswatch.correlation_id}, page by page with {@code after}), and every document of a query in a
 * total order (ascending sort fields, {@code search_after}). Elasticsearch API:
 * www.elastic.co/guide/en/elasticsearch/reference/current/paginate-search-results.html (search_after,
 * point in time) and .../search-aggregations-bucket-composite-aggregation.html.
 *
 * <p>Errors: {@link co.elastic.clients.elasticsearch._types.ElasticsearchException} when Elasticsearch
 * refuses a request, {@link UncheckedIOException} when it cannot be reached.
 */
public final class TimelinePages {
  private TimelinePages() {}

  /** Where a search runs: the timeline indices, or a point in time over them. */
  @FunctionalInterface
  public interface Target extends UnaryOperator<SearchRequest.Builder> {
    /**
     * The indices of {@code pattern} ({@code <prefix>-*}), with {@code allow_no_indices} and
     * {@code ignore_unavailable}, so an empty installation reads nothing rather than failing.
     */
    static Target indices(String pattern) {
      return s -> s.index(pattern).allowNoIndices(true).ignoreUnavailable(true);
    }

    /** The point in time {@code pitId}, kept alive for {@code keepAlive} (e.g. {@code 5m}) by each search. */
    static Target pointInTime(String pitId, String keepAlive) {
      return s -> s.pit(p -> p.id(pitId).keepAlive(k -> k.time(keepAlive)));
    }
  }

  /** Told of every page searched: Elasticsearch's own time ({@code took}) and the wall time of the call. */
  @FunctionalInterface
  public interface PageTimer {
    /** One page: {@code serverMillis} in Elasticsearch, {@code wallNanos} with transfer and parsing. */
    void page(long serverMillis, long wallNanos);
  }

  /** A request to Elasticsearch. */
  @FunctionalInterface
  public interface Call<T> {
    /** Sends it. */
    T run() throws IOException;
  }

  /**
   * Runs {@code call}, turning an {@link IOException} into an {@link UncheckedIOException}.
   *
   * @throws UncheckedIOException "Elasticsearch request failed: ..." when Elasticsearch cannot be reached
   */
  public static <T> T call(Call<T> call) {
    try {
      return call.run();
    } catch (IOException e) {
      throw new UncheckedIOException("Elasticsearch request failed: " + e.getMessage(), e);
    }
  }

  /**
   * Every {@code glasswatch.correlation_id} of the documents matching {@code query}, ascending.
   *
   * @param query the documents to look at, or null for all
   * @param pageSize buckets per search, 1-10000
   */
  public static List<String> correlationIds(ElasticsearchClient client, Target target, Query query, int pageSize) {
    List<String> out = new ArrayList<>();
    Map<String, FieldValue> after = null;
    while (true) {
      Map<String, FieldValue> afterKey = after;
      SearchResponse<Void> page = call(() -> client.search(s -> {
        target.apply(s).size(0).aggregations("ids", a -> a.composite(c -> {
          c.size(pageSize).sources(Map.of("id", CompositeAggregationSource.of(src -> src
              .terms(t -> t.field("glasswatch.correlation_id")))));
          if (afterKey != null) {
            c.after(afterKey);
          }
          return c;
        }));
        if (query != null) {
          s.query(query);
        }
        return s;
      }, Void.class));
      if (page.aggregations() == null || !page.aggregations().containsKey("ids")) {
        return out;
      }
      CompositeAggregate ids = page.aggregations().get("ids").composite();
      List<CompositeBucket> buckets = ids.buckets().array();
      buckets.forEach(b -> out.add(b.key().get("id").stringValue()));
      if (buckets.size() < pageSize || ids.afterKey() == null || ids.afterKey().isEmpty()) {
        return out;
      }
      after = ids.afterKey();
    }
  }

  /**
   * Hands every document matching {@code query} to {@code each}, in ascending order of {@code sort}
   * (whose last field must make the order total, e.g. {@code glasswatch.entry_id}), one page in memory
   * at a time.
   *
   * @param sort the sort fields, ascending, e.g. {@code [glasswatch.sequence, glasswatch.entry_id]}
   * @param excludes {@code _source} fields left out (none when empty)
   * @param pageSize documents per search, 1-10000
   * @param each receives each document's {@code _source} as a mutable map
   * @param timer told of every page
   * @return the number of documents read
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static long documents(ElasticsearchClient client, Target target, Query query, List<String> sort,
      List<String> excludes, int pageSize, Consumer<Map<String, Object>> each, PageTimer timer) {
    Objects.requireNonNull(each, "each");
    long read = 0;
    List<FieldValue> after = null;
    while (true) {
      List<FieldValue> searchAfter = after;
      long t0 = System.nanoTime();
      SearchResponse<Map> page = call(() -> client.search(s -> {
        target.apply(s).size(pageSize).query(query);
        if (!excludes.isEmpty()) {
          s.source(src -> src.filter(f -> f.excludes(excludes)));
        }
        for (String field : sort) {
          s.sort(o -> o.field(f -> f.field(field).order(SortOrder.Asc)));
        }
        if (searchAfter != null) {
          s.searchAfter(searchAfter);
        }
        return s;
      }, Map.class));
      timer.page(page.took(), System.nanoTime() - t0);
      List<Hit<Map>> hits = page.hits().hits();
      for (Hit<Map> hit : hits) {
        each.accept(new LinkedHashMap<String, Object>(hit.source()));
        read++;
      }
      if (hits.size() < pageSize) {
        return read;
      }
      after = hits.get(hits.size() - 1).sort();
    }
  }
}
