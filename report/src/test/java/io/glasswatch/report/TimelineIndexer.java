package io.glasswatch.report;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import io.glasswatch.sinks.timeline.TimelineDocuments;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Indexes timeline documents as the sink does: into {@code <prefix>-<yyyy.MM>}, {@code _id} = entry id, create only. */
final class TimelineIndexer {
  private TimelineIndexer() {}

  static void index(ElasticsearchClient client, String prefix, Iterable<Map<String, Object>> docs) throws IOException {
    List<BulkOperation> ops = new ArrayList<>();
    for (Map<String, Object> d : docs) {
      String index = TimelineDocuments.indexName(prefix, Instant.parse(Docs.text(d, "@timestamp")));
      String id = Docs.text(d, "glasswatch", "entry_id");
      ops.add(BulkOperation.of(b -> b.create(c -> c.index(index).id(id).document(d))));
      if (ops.size() == 5000) {
        flush(client, ops);
      }
    }
    flush(client, ops);
    refresh(client, prefix);
  }

  /** Indexes without the final refresh (for many calls in a row). */
  static void indexOnly(ElasticsearchClient client, String prefix, Iterable<Map<String, Object>> docs) throws IOException {
    List<BulkOperation> ops = new ArrayList<>();
    for (Map<String, Object> d : docs) {
      String index = TimelineDocuments.indexName(prefix, Instant.parse(Docs.text(d, "@timestamp")));
      String id = Docs.text(d, "glasswatch", "entry_id");
      ops.add(BulkOperation.of(b -> b.create(c -> c.index(index).id(id).document(d))));
    }
    flush(client, ops);
  }

  static void refresh(ElasticsearchClient client, String prefix) throws IOException {
    client.indices().refresh(r -> r.index(prefix + "-*"));
  }

  private static void flush(ElasticsearchClient client, List<BulkOperation> ops) throws IOException {
    if (ops.isEmpty()) {
      return;
    }
    BulkResponse r = client.bulk(b -> b.operations(ops));
    if (r.errors()) {
      throw new IllegalStateException("bulk indexing failed: " + r.items().stream()
          .filter(i -> i.error() != null).findFirst().map(i -> i.error().reason()).orElse("?"));
    }
    ops.clear();
  }
}
