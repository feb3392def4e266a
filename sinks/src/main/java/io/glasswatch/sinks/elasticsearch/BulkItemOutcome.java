package io.glasswatch.sinks.elasticsearch;

import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;

/**
 * What a writer should do with one item of an Elasticsearch {@code _bulk} response whose operation
 * was {@code create} with a deterministic {@code _id} (Bulk API:
 * www.elastic.co/guide/en/elasticsearch/reference/current/docs-bulk.html; item {@code status} is the
 * HTTP status of that operation, {@code error.type} the exception name).
 */
public enum BulkItemOutcome {
  /** 2xx: the document was written. */
  WRITTEN,
  /**
   * 409 {@code version_conflict_engine_exception}: a document with this {@code _id} already exists,
   * i.e. it was written by an earlier delivery. Counts as success.
   */
  DUPLICATE,
  /**
   * 400 (e.g. {@code document_parsing_exception}, {@code mapper_parsing_exception},
   * {@code strict_dynamic_mapping_exception}): Elasticsearch will never accept this document as it
   * is; retrying cannot help, so it goes to the dead-letter topic.
   */
  REJECTED,
  /**
   * 429, 5xx, a failed request, or any other status (401/403 of a misconfigured user, 404 of a
   * missing index that may not be auto-created): retry later with backoff, never give up silently.
   */
  RETRY;

  /**
   * Classifies one response item.
   *
   * @param item an item of a bulk response
   */
  public static BulkItemOutcome of(BulkResponseItem item) {
    ErrorCause error = item.error();
    return of(item.status(), error == null ? null : error.type());
  }

  /**
   * Classifies an item by HTTP status and error type.
   *
   * @param status the item's HTTP status
   * @param errorType the item's {@code error.type}, or null when there is no error
   */
  public static BulkItemOutcome of(int status, String errorType) {
    if (errorType == null && status >= 200 && status < 300) {
      return WRITTEN;
    }
    if (status == 409 && "version_conflict_engine_exception".equals(errorType)) {
      return DUPLICATE;
    }
    if (status == 400) {
      return REJECTED;
    }
    return RETRY;
  }
}
