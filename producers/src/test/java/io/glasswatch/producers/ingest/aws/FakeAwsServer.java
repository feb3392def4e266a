package io.glasswatch.producers.ingest.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.glasswatch.producers.normalize.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.guardduty.GuardDutyClient;

/**
 * A wire-protocol test server of CloudTrail {@code LookupEvents} (JSON 1.1, {@code X-Amz-Target}) and
 * GuardDuty {@code ListDetectors}, {@code ListFindings}, {@code GetFindings} (rest-json), answering from
 * an in-memory event list built from the documented samples in {@code ../shared/aws-samples}
 * (moto 5.2.1 implements neither LookupEvents nor GuardDuty findings). It filters by time window,
 * lookup attribute, {@code updatedAt} and finding type, pages with {@code NextToken}, answers the next
 * {@link #throttleNext} requests with throttling errors, and records every request.
 */
final class FakeAwsServer implements AutoCloseable {
  /** One recorded request. */
  record Call(String api, long nanoTime, int status, JsonNode body) {}

  /** One event of the CloudTrail history. */
  record TrailEvent(String id, Instant time, String name, String username, String source, String json) {}

  /** One GuardDuty finding (camelCase JSON). */
  record GdFinding(String id, String type, Instant updatedAt, ObjectNode json) {}

  final List<TrailEvent> trail = new CopyOnWriteArrayList<>();
  final Map<String, GdFinding> findings = new ConcurrentHashMap<>();
  final List<Call> calls = new CopyOnWriteArrayList<>();
  final AtomicInteger throttleNext = new AtomicInteger();
  final List<String> detectorIds;
  private final JsonNode cloudTrailTemplate;
  private final ObjectNode findingTemplate;
  private final HttpServer server;

  FakeAwsServer() throws IOException {
    Path samples = Path.of(System.getProperty("glasswatch.aws-samples.dir", "../../shared/aws-samples"));
    JsonNode lookup = read(samples.resolve("cloudtrail-LookupEvents.response.json"));
    cloudTrailTemplate = Json.MAPPER.readTree(lookup.get("Events").get(0).get("CloudTrailEvent").asText());
    findingTemplate = (ObjectNode) read(samples.resolve("guardduty-GetFindings.response.json")).get("findings").get(0);
    List<String> ids = new ArrayList<>();
    read(samples.resolve("guardduty-ListDetectors.response.json")).get("detectorIds").forEach(n -> ids.add(n.asText()));
    detectorIds = List.copyOf(ids);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.createContext("/", this::handle);
    server.start();
  }

  private static JsonNode read(Path p) {
    try {
      return Json.MAPPER.readTree(Files.readAllBytes(p));
    } catch (IOException e) {
      throw new UncheckedIOException(p + " (set glasswatch.aws-samples.dir)", e);
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  CloudTrailClient cloudTrail() {
    return CloudTrailClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test-secret")))
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
  }

  GuardDutyClient guardDuty() {
    return GuardDutyClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test-secret")))
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
  }

  /** Adds a console sign-in by {@code username} ("root" makes it a root sign-in) at {@code time}. */
  TrailEvent addSignIn(String id, Instant time, String username) {
    ObjectNode rec = cloudTrailTemplate.deepCopy();
    rec.put("eventID", id).put("eventTime", time.toString()).put("recipientAccountId", "123456789012");
    if ("root".equals(username)) {
      rec.set("userIdentity", Json.MAPPER.createObjectNode().put("type", "Root").put("principalId", "123456789012")
          .put("arn", "arn:aws:iam::123456789012:root").put("accountId", "123456789012"));
    }
    TrailEvent e = new TrailEvent(id, time, "ConsoleLogin", username, "signin.amazonaws.com", Json.compact(rec));
    trail.add(e);
    return e;
  }

  /** Adds an event whose CloudTrailEvent is {@code json} verbatim. */
  void addRaw(String id, Instant time, String json) {
    trail.add(new TrailEvent(id, time, "ConsoleLogin", "my-session-name", "signin.amazonaws.com", json));
  }

  /** Adds or updates a finding of {@code type} last updated at {@code updatedAt}. */
  void putFinding(String id, String type, Instant updatedAt) {
    ObjectNode f = findingTemplate.deepCopy();
    f.put("id", id).put("type", type).put("updatedAt", updatedAt.toString());
    ((ObjectNode) f.get("service")).put("eventLastSeen", updatedAt.toString());
    findings.put(id, new GdFinding(id, type, updatedAt, f));
  }

  List<Call> calls(String api) {
    return calls.stream().filter(c -> c.api().equals(api)).toList();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] in = ex.getRequestBody().readAllBytes();
      JsonNode body = in.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(in);
      String path = ex.getRequestURI().getPath();
      String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
      String api;
      boolean gd;
      if (target != null) {
        api = target.substring(target.lastIndexOf('.') + 1);
        gd = false;
      } else if (path.equals("/detector")) {
        api = "ListDetectors";
        gd = true;
      } else if (path.endsWith("/findings/get")) {
        api = "GetFindings";
        gd = true;
      } else if (path.endsWith("/findings")) {
        api = "ListFindings";
        gd = true;
      } else {
        reply(ex, 404, "application/json", Json.MAPPER.createObjectNode().put("message", "no route " + path));
        return;
      }
      if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        calls.add(new Call(api, System.nanoTime(), gd ? 429 : 400, body));
        if (gd) {
          ex.getResponseHeaders().set("x-amzn-ErrorType", "TooManyRequestsException");
          reply(ex, 429, "application/json", Json.MAPPER.createObjectNode().put("message", "Rate exceeded"));
        } else {
          reply(ex, 400, "application/x-amz-json-1.1", Json.MAPPER.createObjectNode()
              .put("__type", "ThrottlingException").put("message", "Rate exceeded"));
        }
        return;
      }
      calls.add(new Call(api, System.nanoTime(), 200, body));
      switch (api) {
        case "LookupEvents" -> reply(ex, 200, "application/x-amz-json-1.1", lookupEvents(body));
        case "ListDetectors" -> reply(ex, 200, "application/json",
            Json.MAPPER.createObjectNode().set("detectorIds", Json.MAPPER.valueToTree(detectorIds)));
        case "ListFindings" -> reply(ex, 200, "application/json", listFindings(body));
        case "GetFindings" -> {
          ArrayNode out = Json.MAPPER.createArrayNode();
          body.get("findingIds").forEach(id -> {
            GdFinding f = findings.get(id.asText());
            if (f != null) {
              out.add(f.json());
            }
          });
          reply(ex, 200, "application/json", Json.MAPPER.createObjectNode().set("findings", out));
        }
        default -> reply(ex, 400, "application/x-amz-json-1.1", Json.MAPPER.createObjectNode()
            .put("__type", "UnknownOperationException").put("message", api));
      }
    }
  }

  private ObjectNode lookupEvents(JsonNode body) {
    Instant start = Instant.ofEpochMilli((long) (body.get("StartTime").asDouble() * 1000));
    Instant end = Instant.ofEpochMilli((long) (body.get("EndTime").asDouble() * 1000));
    JsonNode attr = body.path("LookupAttributes").path(0);
    String key = attr.path("AttributeKey").asText();
    String value = attr.path("AttributeValue").asText();
    List<TrailEvent> matching = trail.stream()
        .filter(e -> !e.time().isBefore(start) && !e.time().isAfter(end))
        .filter(e -> switch (key) {
          case "EventName" -> e.name().equals(value);
          case "Username" -> e.username().equals(value);
          case "EventSource" -> e.source().equals(value);
          case "EventId" -> e.id().equals(value);
          default -> true;
        })
        .sorted(Comparator.comparing(TrailEvent::time).reversed().thenComparing(TrailEvent::id))
        .toList();
    int max = body.path("MaxResults").asInt(50);
    int from = body.hasNonNull("NextToken") ? Integer.parseInt(body.get("NextToken").asText()) : 0;
    ArrayNode events = Json.MAPPER.createArrayNode();
    for (TrailEvent e : matching.subList(from, Math.min(matching.size(), from + max))) {
      events.addObject().put("EventId", e.id()).put("EventName", e.name()).put("ReadOnly", "false")
          .put("EventTime", e.time().getEpochSecond()).put("EventSource", e.source()).put("Username", e.username())
          .put("CloudTrailEvent", e.json()).putArray("Resources");
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("Events", events);
    if (from + max < matching.size()) {
      out.put("NextToken", Integer.toString(from + max));
    }
    return out;
  }

  private ObjectNode listFindings(JsonNode body) {
    JsonNode crit = body.path("findingCriteria").path("criterion");
    long gte = crit.path("updatedAt").path("greaterThanOrEqual").asLong(0);
    List<String> types = new ArrayList<>();
    crit.path("type").path("eq").forEach(t -> types.add(t.asText()));
    List<GdFinding> matching = findings.values().stream()
        .filter(f -> f.updatedAt().toEpochMilli() >= gte)
        .filter(f -> types.isEmpty() || types.contains(f.type()))
        .sorted(Comparator.comparing(GdFinding::updatedAt).thenComparing(GdFinding::id))
        .toList();
    int max = body.path("maxResults").asInt(50);
    int from = body.hasNonNull("nextToken") ? Integer.parseInt(body.get("nextToken").asText()) : 0;
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode ids = out.putArray("findingIds");
    matching.subList(from, Math.min(matching.size(), from + max)).forEach(f -> ids.add(f.id()));
    if (from + max < matching.size()) {
      out.put("nextToken", Integer.toString(from + max));
    }
    return out;
  }

  private static void reply(HttpExchange ex, int status, String type, JsonNode body) throws IOException {
    byte[] b = Json.MAPPER.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
