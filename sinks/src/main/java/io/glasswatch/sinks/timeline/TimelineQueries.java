package io.glasswatch.sinks.timeline;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.sinks.SinkSettings;
import io.glasswatch.sinks.elasticsearch.ElasticsearchConnection;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Read side of the timeline indices {@code <prefix>-*}: counts, one correlation's entries in chain
 * order, and the list of correlation ids. Runs as the administrator (or any user allowed to read and
 * refresh the timeline indices). Every query expands the wildcard with {@code allow_no_indices}, so an
 * empty installation answers 0 or an empty list rather than failing.
 *
 * <p>Errors: {@link ElasticsearchException} when Elasticsearch refuses a request (e.g. 403 for a
 * user without read access), {@link UncheckedIOException} when it cannot be reached.
 */
public final class TimelineQueries implements AutoCloseable {
  /** Page size of {@link #timeline(String)} and {@link #correlationIds()}. */
  static final int PAGE = 1000;

  private final ElasticsearchConnection owned;
  private final ElasticsearchClient client;
  private final String pattern;

  /**
   * Queries as the administrator ({@link GlasswatchSettings#ES_ADMIN_USER}) over the prefix in
   * {@link GlasswatchSettings#ES_TIMELINE_INDEX}. Close to release the connection.
   */
  public TimelineQueries(GlasswatchSettings settings) {
    this(SinkSettings.from(settings));
  }

  /** Queries as the administrator of validated settings over their index prefix. Close to release the connection. */
  public TimelineQueries(SinkSettings settings) {
    this.owned = ElasticsearchConnection.admin(settings);
    this.client = owned.client();
    this.pattern = TimelineIndexTemplate.pattern(settings.indexPrefix());
  }

  /**
   * Queries through a caller-owned client (not closed by {@link #close()}).
   *
   * @param client a client allowed to read and refresh {@code <prefix>-*}
   * @param prefix the timeline index prefix
   */
  public TimelineQueries(ElasticsearchClient client, String prefix) {
    this.owned = null;
    this.client = client;
    this.pattern = TimelineIndexTemplate.pattern(prefix);
  }

  /**
   * Makes every document written so far visible to search ({@code POST <prefix>-*}/_refresh). A user
   * without the {@code maintenance} privilege (a read-only investigator) gets a 403, which is
   * ignored: the indices refresh themselves every second.
   */
  public void refresh() {
    try {
      call(() -> client.indices().refresh(r -> r.index(pattern).allowNoIndices(true).ignoreUnavailable(true)));
    } catch (ElasticsearchException e) {
      if (e.status() != 403) {
        throw e;
      }
    }
  }

  /** Number of timeline documents, after a refresh. */
  public long count() {
    refresh();
    return call(() -> client.count(c -> c.index(pattern).allowNoIndices(true).ignoreUnavailable(true)).count());
  }

  /** Number of timeline documents of {@code correlationId} ({@code glasswatch.correlation_id}), after a refresh. */
  public long count(String correlationId) {
    refresh();
    return call(() -> client.count(c -> c.index(pattern).allowNoIndices(true).ignoreUnavailable(true)
        .query(byCorrelation(correlationId))).count());
  }

  /**
   * The documents ({@code _source}, nested maps as written by {@link TimelineDocuments}) of one
   * correlation, in hash-chain order: ascending {@code glasswatch.sequence}, then
   * {@code glasswatch.entry_id}. Reads every page (search_after); refreshes first.
   *
   * @param correlationId request id or {@code account:<accountId>}
   * @return the documents, empty when the correlation has none
   */
  public List<Map<String, Object>> timeline(String correlationId) {
    refresh();
    return readAll(byCorrelation(correlationId), "glasswatch.sequence");
  }

  /**
   * Everything that happened in one AWS account: the documents whose {@code cloud.account.id} is
   * {@code accountId} or whose correlation is {@code account:<accountId>}, from {@code since}
   * (inclusive; null for all time), in time order (ascending {@code @timestamp}, then
   * {@code glasswatch.entry_id}). Reads every page; refreshes first.
   *
   * @param accountId 12-digit AWS account id
   * @param since earliest {@code @timestamp}, or null
   * @return the documents, empty when there are none
   */
  public List<Map<String, Object>> account(String accountId, Instant since) {
    refresh();
    Query query = Query.of(q -> q.bool(b -> {
      b.should(s -> s.term(t -> t.field("cloud.account.id").value(accountId)))
          .should(byCorrelation("account:" + accountId))
          .minimumShouldMatch("1");
      if (since != null) {
        b.filter(f -> f.range(r -> r.date(d -> d.field("@timestamp").gte(since.toString()))));
      }
      return b;
    }));
    return readAll(query, "@timestamp");
  }

  private List<Map<String, Object>> readAll(Query query, String firstSort) {
    List<Map<String, Object>> out = new ArrayList<>();
    TimelinePages.documents(client, TimelinePages.Target.indices(pattern), query,
        List.of(firstSort, "glasswatch.entry_id"), List.of(), PAGE, out::add, (server, wall) -> { });
    return out;
  }

  /**
   * Every correlation id present in the timeline, ascending (a composite aggregation on
   * {@code glasswatch.correlation_id}, read page by page); refreshes first.
   */
  public List<String> correlationIds() {
    refresh();
    return TimelinePages.correlationIds(client, TimelinePages.Target.indices(pattern), null, PAGE);
  }

  private static Query byCorrelation(String correlationId) {
    return Query.of(q -> q.term(t -> t.field("glasswatch.correlation_id").value(correlationId)));
  }

  /** Closes the connection this instance opened (none for a caller-owned client). */
  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }

  private static <T> T call(TimelinePages.Call<T> call) {
    return TimelinePages.call(call);
  }
}
