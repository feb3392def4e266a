package io.glasswatch.producers.ingest.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.producers.normalize.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checkpoint of a poller: the end of the last completed poll window, and the ids seen inside the
 * overlap window before it, each with its time, so that the next poll (which starts {@code overlap}
 * before {@code until}) skips what was already produced. JSON:
 * {@code {"until":"2024-05-01T12:00:00Z","seen":{"<id>":"<time>",...}}}.
 *
 * @param until end of the last completed poll window
 * @param seen id → event time (CloudTrail {@code eventID} → {@code eventTime}; GuardDuty
 *     {@code <id>@<updatedAt>} → {@code updatedAt})
 */
record WindowCheckpoint(Instant until, Map<String, Instant> seen) {
  WindowCheckpoint {
    seen = Map.copyOf(seen);
  }

  static WindowCheckpoint parse(String json) {
    try {
      JsonNode n = Json.MAPPER.readTree(json);
      Map<String, Instant> seen = new LinkedHashMap<>();
      n.path("seen").properties().forEach(e -> seen.put(e.getKey(), Instant.parse(e.getValue().asText())));
      return new WindowCheckpoint(Instant.parse(n.get("until").asText()), seen);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable checkpoint", e);
    }
  }

  String toJson() {
    ObjectNode n = Json.MAPPER.createObjectNode().put("until", until.toString());
    ObjectNode s = n.putObject("seen");
    seen.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> s.put(e.getKey(), e.getValue().toString()));
    return Json.compact(n);
  }
}
