package io.glasswatch.sinks.timeline;

import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import io.glasswatch.kafka.OffsetTracker;
import io.glasswatch.sinks.elasticsearch.BulkItemOutcome;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timeline sink's documents in flight and what became of them: a {@link Pending} per consumed
 * record, an {@link Outcome} per bulk item, dead-letter send or failed request, and the bulk
 * {@link Listener} that turns Elasticsearch's answers into outcomes ({@link BulkItemOutcome}) on a
 * queue the polling thread drains. The listener never blocks the ingester's threads.
 */
final class BulkResults {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineSink.class);

  private BulkResults() {}

  /** One record on its way to Elasticsearch or the dead-letter topic (polling thread only, but for reads). */
  static final class Pending {
    final OffsetTracker.Ticket ticket;
    final String key;
    final String index;
    final String id;
    /** The document as JSON bytes, serialized once for every attempt; null for an unreadable record. */
    final byte[] document;
    final byte[] rawValue;
    int attempts;
    String reason;
    String errorType;

    Pending(OffsetTracker.Ticket ticket, String key, String index, String id, byte[] document, byte[] rawValue) {
      this.ticket = ticket;
      this.key = key;
      this.index = index;
      this.id = id;
      this.document = document;
      this.rawValue = rawValue;
    }
  }

  /** What became of one attempt. */
  enum Kind { WRITTEN, DUPLICATE, REJECTED, RETRY, DEAD_LETTERED, DEAD_LETTER_FAILED }

  /** One result for the polling thread. */
  record Outcome(Pending pending, Kind kind, String errorType, String reason) {}

  /** Hands bulk results to the polling thread through {@code outcomes}. */
  static final class Listener implements BulkListener<Pending> {
    private final BlockingQueue<Outcome> outcomes;

    Listener(BlockingQueue<Outcome> outcomes) {
      this.outcomes = outcomes;
    }

    @Override
    public void beforeBulk(long executionId, BulkRequest request, List<Pending> contexts) {
      // nothing to do before a request
    }

    @Override
    public void afterBulk(long executionId, BulkRequest request, List<Pending> contexts, BulkResponse response) {
      List<BulkResponseItem> items = response.items();
      int toRetry = 0;
      String firstRetry = null;
      for (int i = 0; i < contexts.size(); i++) {
        Pending pending = contexts.get(i);
        if (i >= items.size()) {
          outcomes.add(new Outcome(pending, Kind.RETRY, "missing_item", "bulk response has no item for this document"));
          continue;
        }
        BulkResponseItem item = items.get(i);
        String type = item.error() == null ? null : item.error().type();
        String reason = item.error() == null ? null : item.error().reason();
        Kind kind = switch (BulkItemOutcome.of(item)) {
          case WRITTEN -> Kind.WRITTEN;
          case DUPLICATE -> Kind.DUPLICATE;
          case REJECTED -> Kind.REJECTED;
          case RETRY -> Kind.RETRY;
        };
        String why = item.status() + " " + type + ": " + reason;
        if (kind == Kind.RETRY && toRetry++ == 0) {
          firstRetry = why;
        }
        outcomes.add(new Outcome(pending, kind, type, why));
      }
      if (toRetry > 0) {
        LOG.warn("bulk request {}: {} of {} documents will be retried, first: {}", executionId, toRetry,
            contexts.size(), firstRetry);
      }
    }

    @Override
    public void afterBulk(long executionId, BulkRequest request, List<Pending> contexts, Throwable error) {
      String reason = error.getClass().getSimpleName() + ": " + error.getMessage();
      LOG.warn("bulk request {} of {} documents failed, will retry: {}", executionId, contexts.size(), reason);
      for (Pending pending : contexts) {
        outcomes.add(new Outcome(pending, Kind.RETRY, error.getClass().getName(), reason));
      }
    }
  }
}
