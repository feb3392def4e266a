package io.glasswatch.sinks.elasticsearch;

import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.transport.ElasticsearchTransport;
import co.elastic.clients.transport.Endpoint;
import co.elastic.clients.transport.TransportOptions;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * An {@link ElasticsearchTransport} that completes every asynchronous request's future on
 * {@code executor} instead of the thread that finished the request.
 *
 * <p>Why: when Elasticsearch refuses connections, the low-level REST client fails a request on its
 * I/O thread while holding its connection pool lock, and the {@code BulkIngester}'s completion
 * callback then takes the ingester's lock. A thread adding to the ingester holds the ingester's lock
 * while it sends the next bulk request and so waits for the pool lock: a lock-order deadlock that
 * stops the sink for good while Elasticsearch is down. Completing futures on another thread breaks the
 * cycle. Synchronous calls pass through unchanged. Closing closes nothing: the delegate belongs to its
 * {@link ElasticsearchConnection}.
 */
public final class CallbackExecutorTransport implements ElasticsearchTransport {
  private final ElasticsearchTransport delegate;
  private final Executor executor;

  /**
   * @param delegate the transport that performs requests
   * @param executor where futures complete (callers of the futures' dependent stages run there)
   */
  public CallbackExecutorTransport(ElasticsearchTransport delegate, Executor executor) {
    this.delegate = delegate;
    this.executor = executor;
  }

  @Override
  public <RequestT, ResponseT, ErrorT> ResponseT performRequest(RequestT request,
      Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) throws IOException {
    return delegate.performRequest(request, endpoint, options);
  }

  @Override
  public <RequestT, ResponseT, ErrorT> CompletableFuture<ResponseT> performRequestAsync(RequestT request,
      Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) {
    CompletableFuture<ResponseT> out = new CompletableFuture<>();
    CompletableFuture<ResponseT> in;
    try {
      in = delegate.performRequestAsync(request, endpoint, options);
    } catch (RuntimeException e) {
      executor.execute(() -> out.completeExceptionally(e));
      return out;
    }
    in.whenComplete((value, error) -> executor.execute(() -> {
      if (error != null) {
        out.completeExceptionally(error);
      } else {
        out.complete(value);
      }
    }));
    return out;
  }

  @Override
  public JsonpMapper jsonpMapper() {
    return delegate.jsonpMapper();
  }

  @Override
  public TransportOptions options() {
    return delegate.options();
  }

  /** Does nothing: the delegate is closed by its owner. */
  @Override
  public void close() {
    // the delegate belongs to its ElasticsearchConnection
  }
}
