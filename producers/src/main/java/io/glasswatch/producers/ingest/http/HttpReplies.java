package io.glasswatch.producers.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.glasswatch.producers.normalize.core.Json;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The JSON answers of the ingest HTTP endpoints ({@link IngestServer}, {@link JitWebhookEndpoint}): a body
 * {@code application/json} with its length, and the error body {@code {"error": "<message>"}}.
 */
final class HttpReplies {
  private HttpReplies() {}

  /** {@code {"error": message}}. */
  static ObjectNode error(String message) {
    return Json.MAPPER.createObjectNode().put("error", message);
  }

  /**
   * Sends {@code body} as the response with {@code status} and closes the response body.
   *
   * @return {@code status}
   * @throws IOException when the client is gone
   */
  static int reply(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
    return status;
  }
}
