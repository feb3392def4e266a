package io.glasswatch.alerts.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An IAM Identity Center (SSO Admin) endpoint on 127.0.0.1 speaking the AWS JSON 1.1 protocol:
 * {@code POST /}, {@code X-Amz-Target: SWBExternalService.<Operation>}, replies
 * {@code application/x-amz-json-1.1}. Bodies come from the API Reference samples in
 * {@code aws-samples/}; errors are {@code {"__type": "<Code>", "message": "..."}} with the
 * documented status. It keeps a list of assignments (initially the one of the
 * ListAccountAssignments sample) and answers from scripts queued per operation, falling back to
 * the default behaviour: Delete removes the assignment and answers IN_PROGRESS, Describe answers
 * SUCCEEDED (a scripted FAILED puts the sample assignment back, as a failed deletion leaves it),
 * List lists what is assigned. Permission sets: Get/Put/DeleteInlinePolicy keep one inline policy text
 * per permission set as sent; ProvisionPermissionSet answers IN_PROGRESS and
 * DescribePermissionSetProvisioningStatus SUCCEEDED unless scripted with {@link #status}; DescribePermissionSet
 * answers the configured SessionDuration.
 */
public final class SsoAdminWireServer implements AutoCloseable {
  /** Target prefix of the SSO Admin JSON 1.1 protocol. */
  public static final String TARGET_PREFIX = "SWBExternalService.";

  /** One request received. */
  public record Call(String operation, JsonNode body, Map<String, List<String>> headers) {}

  /** A scripted reply. */
  private record Reply(int status, String errorType, String message, String deletionStatus, String failureReason,
      boolean keepAssignment, boolean vanish) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, ConcurrentLinkedDeque<Reply>> scripts = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<ObjectNode> assignments = new CopyOnWriteArrayList<>();
  private final Map<String, String> laneOfDeletion = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger overall = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger maxOverall = new java.util.concurrent.atomic.AtomicInteger();
  private volatile long delayMillis;
  private final Map<String, String> inlinePolicies = new ConcurrentHashMap<>();
  private final Map<String, String> provisionTargets = new ConcurrentHashMap<>();
  private volatile String sessionDuration = "PT1H";
  private final java.util.concurrent.ScheduledExecutorService delays =
      java.util.concurrent.Executors.newScheduledThreadPool(8, Thread.ofPlatform().daemon().factory());

  /** Starts on an ephemeral port with the sample assignment in place. */
  public SsoAdminWireServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    ArrayNode sample = (ArrayNode) sample("ssoadmin-ListAccountAssignments.response.json").get("AccountAssignments");
    sample.forEach(n -> assignments.add((ObjectNode) n.deepCopy()));
  }

  /** @return the endpoint URL for {@code aws.sso-admin.endpoint} */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A sample body from {@code aws-samples/}, parsed. */
  public static ObjectNode sample(String file) {
    try (InputStream in = SsoAdminWireServer.class.getResourceAsStream("/aws-samples/" + file)) {
      return (ObjectNode) JSON.readTree(Objects.requireNonNull(in, file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Queues an AWS error reply for the next call of {@code operation}. */
  public SsoAdminWireServer error(String operation, int status, String errorType, String message) {
    queue(operation).add(new Reply(status, errorType, message, null, null, false, false));
    return this;
  }

  /** Queues a DescribeAccountAssignmentDeletionStatus (or Delete) reply with this status. */
  public SsoAdminWireServer status(String operation, String status, String failureReason) {
    queue(operation).add(new Reply(200, null, null, status, failureReason, false, false));
    return this;
  }

  /** Queues a successful Delete that leaves the assignment listed (a broken backend). */
  public SsoAdminWireServer deleteButKeepListed() {
    queue("DeleteAccountAssignment").add(new Reply(200, null, null, "IN_PROGRESS", null, true, false));
    return this;
  }

  /**
   * Queues a Delete that finds the assignment gone (someone else removed it after the pre-check):
   * the assignment is removed and the reply is ResourceNotFoundException.
   */
  public SsoAdminWireServer deleteFindsItGone() {
    queue("DeleteAccountAssignment").add(new Reply(200, null, null, null, null, false, true));
    return this;
  }

  /**
   * Adds an assignment (same instance and shape as the sample); its deletions get unique request ids.
   *
   * @param accountId target account
   * @param permissionSetArn permission set
   * @param principalId user id
   */
  public void assign(String accountId, String permissionSetArn, String principalId) {
    ObjectNode a = JSON.createObjectNode();
    a.put("AccountId", accountId);
    a.put("PermissionSetArn", permissionSetArn);
    a.put("PrincipalId", principalId);
    a.put("PrincipalType", "USER");
    assignments.add(a);
  }

  /** Every answer waits this long before it is sent (requests of one lane then overlap if sent together). */
  public void delay(java.time.Duration d) {
    delayMillis = d.toMillis();
  }

  /** @return the most requests of one (account, permission set) lane that were in flight at once */
  public int maxInFlight(String accountId, String permissionSetArn) {
    var m = maxInFlight.get(accountId + "|" + permissionSetArn);
    return m == null ? 0 : m.get();
  }

  /** @return the most requests in flight at once, over all lanes */
  public int maxInFlightOverall() {
    return maxOverall.get();
  }

  /** Removes every assignment, as if already revoked. */
  public void clearAssignments() {
    assignments.clear();
  }

  /** @return every call received, in order */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** @return calls of one operation */
  public List<Call> calls(String operation) {
    return calls.stream().filter(c -> c.operation().equals(operation)).toList();
  }

  private ConcurrentLinkedDeque<Reply> queue(String operation) {
    return scripts.computeIfAbsent(operation, k -> new ConcurrentLinkedDeque<>());
  }

  private void handle(HttpExchange ex) throws IOException {
    String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
    JsonNode body;
    try (InputStream in = ex.getRequestBody()) {
      body = JSON.readTree(in.readAllBytes());
    }
    if (target == null || !target.startsWith(TARGET_PREFIX) || !"POST".equals(ex.getRequestMethod())) {
      send(ex, 400, error("UnknownOperationException", "expected POST with X-Amz-Target SWBExternalService.*"));
      return;
    }
    String op = target.substring(TARGET_PREFIX.length());
    calls.add(new Call(op, body, Map.copyOf(ex.getRequestHeaders())));
    String lane = switch (op) {
      case "ListAccountAssignments" -> body.path("AccountId").asText() + "|" + body.path("PermissionSetArn").asText();
      case "DeleteAccountAssignment" -> body.path("TargetId").asText() + "|" + body.path("PermissionSetArn").asText();
      default -> laneOfDeletion.getOrDefault(body.path("AccountAssignmentDeletionRequestId").asText(), "?");
    };
    var n = inFlight.computeIfAbsent(lane, k -> new java.util.concurrent.atomic.AtomicInteger());
    maxInFlight.computeIfAbsent(lane, k -> new java.util.concurrent.atomic.AtomicInteger())
        .accumulateAndGet(n.incrementAndGet(), Math::max);
    maxOverall.accumulateAndGet(overall.incrementAndGet(), Math::max);
    Runnable respond = () -> {
      try {
        answer(ex, op, body);
      } catch (IOException e) {
        ex.close();
      } finally {
        n.decrementAndGet();
        overall.decrementAndGet();
      }
    };
    long delay = delayMillis;
    if (delay > 0) {
      // the service's latency: the answer is sent later from the scheduler, the request stays in flight
      delays.schedule(respond, delay, java.util.concurrent.TimeUnit.MILLISECONDS);
    } else {
      respond.run();
    }
  }

  private void answer(HttpExchange ex, String op, JsonNode body) throws IOException {
    Reply r = queue(op).poll();
    if (r != null && r.errorType() != null) {
      ex.getResponseHeaders().add("x-amzn-ErrorType", r.errorType());
      send(ex, r.status(), error(r.errorType(), r.message()));
      return;
    }
    switch (op) {
      case "ListAccountAssignments" -> {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("AccountAssignments");
        assignments.stream()
            .filter(a -> a.get("AccountId").asText().equals(body.path("AccountId").asText())
                && a.get("PermissionSetArn").asText().equals(body.path("PermissionSetArn").asText()))
            .forEach(list::add);
        send(ex, 200, out);
      }
      case "DeleteAccountAssignment" -> {
        if (r != null && r.vanish()) {
          assignments.removeIf(a -> matches(a, body));
        }
        boolean present = assignments.stream().anyMatch(a -> matches(a, body));
        if (!present) {
          ex.getResponseHeaders().add("x-amzn-ErrorType", "ResourceNotFoundException");
          send(ex, 400, error("ResourceNotFoundException", "Account assignment not found"));
          return;
        }
        if (r == null || !r.keepAssignment()) {
          assignments.removeIf(a -> matches(a, body));
        }
        ObjectNode out = sample("ssoadmin-DeleteAccountAssignment.response.json");
        ObjectNode st = (ObjectNode) out.get("AccountAssignmentDeletionStatus");
        if (!st.get("PrincipalId").asText().equals(body.path("PrincipalId").asText())) {
          st.put("RequestId", java.util.UUID.randomUUID().toString());
          st.put("PrincipalId", body.path("PrincipalId").asText());
          st.put("TargetId", body.path("TargetId").asText());
          st.put("PermissionSetArn", body.path("PermissionSetArn").asText());
        }
        laneOfDeletion.put(st.get("RequestId").asText(),
            body.path("TargetId").asText() + "|" + body.path("PermissionSetArn").asText());
        st.put("Status", r != null && r.deletionStatus() != null ? r.deletionStatus() : "IN_PROGRESS");
        send(ex, 200, out);
      }
      case "DescribeAccountAssignmentDeletionStatus" -> {
        ObjectNode out = sample("ssoadmin-DescribeAccountAssignmentDeletionStatus.response.json");
        ObjectNode st = (ObjectNode) out.get("AccountAssignmentDeletionStatus");
        st.put("RequestId", body.path("AccountAssignmentDeletionRequestId").asText());
        st.put("Status", r != null && r.deletionStatus() != null ? r.deletionStatus() : "SUCCEEDED");
        if (r != null && r.failureReason() != null) {
          st.put("FailureReason", r.failureReason());
        }
        if (r != null && "FAILED".equals(r.deletionStatus())) {
          // a failed deletion leaves the assignment in place
          ObjectNode back = (ObjectNode) sample("ssoadmin-ListAccountAssignments.response.json")
              .get("AccountAssignments").get(0);
          if (assignments.stream().noneMatch(a -> a.equals(back))) {
            assignments.add(back);
          }
        }
        send(ex, 200, out);
      }
      case "GetInlinePolicyForPermissionSet" -> {
        ObjectNode out = JSON.createObjectNode();
        String p = inlinePolicies.get(body.path("PermissionSetArn").asText());
        if (p != null) {
          out.put("InlinePolicy", p);
        }
        send(ex, 200, out);
      }
      case "PutInlinePolicyToPermissionSet" -> {
        if (r != null && r.vanish()) {
          send(ex, 200, JSON.createObjectNode());
          return;
        }
        inlinePolicies.put(body.path("PermissionSetArn").asText(), body.path("InlinePolicy").asText());
        send(ex, 200, JSON.createObjectNode());
      }
      case "DeleteInlinePolicyFromPermissionSet" -> {
        inlinePolicies.remove(body.path("PermissionSetArn").asText());
        send(ex, 200, JSON.createObjectNode());
      }
      case "ProvisionPermissionSet" -> {
        String id = java.util.UUID.randomUUID().toString();
        provisionTargets.put(id, body.path("TargetId").asText());
        send(ex, 200, provisioning(id, body.path("PermissionSetArn").asText(), body.path("TargetId").asText(),
            r != null && r.deletionStatus() != null ? r.deletionStatus() : "IN_PROGRESS", r == null ? null : r.failureReason()));
      }
      case "DescribePermissionSetProvisioningStatus" -> {
        String id = body.path("ProvisionPermissionSetRequestId").asText();
        send(ex, 200, provisioning(id, "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef",
            provisionTargets.getOrDefault(id, "?"),
            r != null && r.deletionStatus() != null ? r.deletionStatus() : "SUCCEEDED", r == null ? null : r.failureReason()));
      }
      case "DescribePermissionSet" -> {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode ps = out.putObject("PermissionSet");
        ps.put("Name", "BreakGlass");
        ps.put("PermissionSetArn", body.path("PermissionSetArn").asText());
        ps.put("SessionDuration", sessionDuration);
        send(ex, 200, out);
      }
      default -> send(ex, 400, error("UnknownOperationException", "not served: " + op));
    }
  }

  /** A PermissionSetProvisioningStatus body (API_PermissionSetProvisioningStatus.html). */
  private static ObjectNode provisioning(String id, String permissionSetArn, String account, String status, String reason) {
    ObjectNode out = JSON.createObjectNode();
    ObjectNode st = out.putObject("PermissionSetProvisioningStatus");
    st.put("AccountId", account);
    st.put("CreatedDate", System.currentTimeMillis() / 1000.0);
    st.put("PermissionSetArn", permissionSetArn);
    st.put("RequestId", id);
    st.put("Status", status);
    if (reason != null) {
      st.put("FailureReason", reason);
    }
    return out;
  }

  /** The next PutInlinePolicyToPermissionSet answers 200 but its policy is lost (another writer overwrote it). */
  public SsoAdminWireServer loseNextInlinePolicyPut() {
    queue("PutInlinePolicyToPermissionSet").add(new Reply(200, null, null, null, null, false, true));
    return this;
  }

  /** Sets a permission set's inline policy text, as another administrator would have. */
  public void inlinePolicy(String permissionSetArn, String policy) {
    inlinePolicies.put(permissionSetArn, policy);
  }

  /** @return a permission set's inline policy text, or null */
  public String inlinePolicy(String permissionSetArn) {
    return inlinePolicies.get(permissionSetArn);
  }

  /** Sets the SessionDuration DescribePermissionSet answers (ISO-8601, e.g. PT1H). */
  public void sessionDuration(String iso) {
    sessionDuration = iso;
  }

  private static boolean matches(ObjectNode a, JsonNode req) {
    return a.get("AccountId").asText().equals(req.path("TargetId").asText())
        && a.get("PermissionSetArn").asText().equals(req.path("PermissionSetArn").asText())
        && a.get("PrincipalId").asText().equals(req.path("PrincipalId").asText())
        && a.get("PrincipalType").asText().equals(req.path("PrincipalType").asText());
  }

  private static ObjectNode error(String type, String message) {
    ObjectNode e = JSON.createObjectNode();
    e.put("__type", type);
    e.put("message", message);
    return e;
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] out = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    ex.getResponseHeaders().add("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    ex.sendResponseHeaders(status, out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

  /** @return the sample assignments still listed */
  public List<ObjectNode> assignments() {
    return new ArrayList<>(assignments);
  }

  @Override
  public void close() {
    server.stop(0);
    delays.shutdownNow();
    executor.shutdownNow();
  }
}
