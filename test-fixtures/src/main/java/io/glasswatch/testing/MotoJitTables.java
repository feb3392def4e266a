package io.glasswatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.config.GlasswatchSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The JIT controller's two DynamoDB tables on the test stack's moto, for tests of the live
 * {@code jit_audit} stream reader: {@code jit_audit_<suffix>} (hash key {@code request_id}, range key
 * {@code event_time_event_id}, stream {@code NEW_IMAGE}) and {@code jit_requests_<suffix>} (hash key
 * {@code request_id}), both on-demand, with a random 8-character suffix so tests never share a table.
 * The keys are the controller's ({@code real-sources/README.md}, section 2.3, "{@code jit_audit} item");
 * moto implements DescribeStream, GetShardIterator and GetRecords of DynamoDB Streams.
 *
 * <p>The clients reach moto at {@code aws.sso-admin.endpoint} (the test stack's moto, set by
 * {@link TestStack#settings} when moto runs) in {@code us-east-1} with moto's static credentials
 * {@code testing}/{@code testing}; the streams client does not retry, so a reader's own retry policy is
 * what a test sees. {@link #controllerPutItems()} are the controller's real PutItem request bodies,
 * in the order it wrote them, and {@link #put} writes one to the table it names. Close to release the
 * clients (the tables stay in moto until it stops).
 */
public final class MotoJitTables implements AutoCloseable {
  /** Classpath resource of the controller's PutItem requests (one JSON object a line, the request in {@code body}). */
  public static final String PUT_ITEMS_RESOURCE = "/real-sources/jit-aws-controller/dynamodb-putitem-requests.jsonl";
  /** The controller's audit table name, as in its PutItem bodies' {@code TableName}. */
  public static final String AUDIT = "jit_audit";
  /** The controller's request table name, as in its PutItem bodies' {@code TableName}. */
  public static final String REQUESTS = "jit_requests";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  private final DynamoDbClient dynamoDb;
  private final DynamoDbStreamsClient streams;
  private final String auditTable;
  private final String requestsTable;
  private final String streamArn;

  private MotoJitTables(DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, String suffix) {
    this.dynamoDb = dynamoDb;
    this.streams = streams;
    this.auditTable = AUDIT + "_" + suffix;
    this.requestsTable = REQUESTS + "_" + suffix;
    dynamoDb.createTable(r -> r.tableName(auditTable)
        .keySchema(k -> k.attributeName("request_id").keyType(KeyType.HASH),
            k -> k.attributeName("event_time_event_id").keyType(KeyType.RANGE))
        .attributeDefinitions(a -> a.attributeName("request_id").attributeType(ScalarAttributeType.S),
            a -> a.attributeName("event_time_event_id").attributeType(ScalarAttributeType.S))
        .billingMode("PAY_PER_REQUEST")
        .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)));
    dynamoDb.createTable(r -> r.tableName(requestsTable)
        .keySchema(k -> k.attributeName("request_id").keyType(KeyType.HASH))
        .attributeDefinitions(a -> a.attributeName("request_id").attributeType(ScalarAttributeType.S))
        .billingMode("PAY_PER_REQUEST"));
    this.streamArn = dynamoDb.describeTable(r -> r.tableName(auditTable)).table().latestStreamArn();
  }

  /**
   * Creates both tables, with new clients, on the moto of {@code settings}.
   *
   * @param settings settings with {@code aws.sso-admin.endpoint} set to moto's URL
   * @return the tables, empty
   * @throws IllegalStateException when no moto endpoint is set (moto not running or not installed)
   */
  public static MotoJitTables create(GlasswatchSettings settings) {
    String endpoint = settings.get(GlasswatchSettings.SSO_ENDPOINT).strip();
    if (endpoint.isEmpty()) {
      throw new IllegalStateException(GlasswatchSettings.SSO_ENDPOINT + " is not set: moto does not run on the test stack");
    }
    URI moto = URI.create(endpoint);
    DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(moto).region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS).build();
    DynamoDbStreamsClient streams = DynamoDbStreamsClient.builder().endpointOverride(moto).region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS).overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none())).build();
    try {
      return new MotoJitTables(ddb, streams, UUID.randomUUID().toString().substring(0, 8));
    } catch (RuntimeException e) {
      streams.close();
      ddb.close();
      throw e;
    }
  }

  /** The DynamoDB client (moto). */
  public DynamoDbClient dynamoDb() {
    return dynamoDb;
  }

  /** The DynamoDB Streams client (moto, no retries). */
  public DynamoDbStreamsClient streams() {
    return streams;
  }

  /** {@code jit_audit_<suffix>}. */
  public String auditTable() {
    return auditTable;
  }

  /** {@code jit_requests_<suffix>}. */
  public String requestsTable() {
    return requestsTable;
  }

  /** The ARN of the audit table's stream ({@code LatestStreamArn}). */
  public String streamArn() {
    return streamArn;
  }

  /**
   * Writes one of the controller's PutItem bodies to the table of this pair its {@code TableName} names.
   *
   * @param putItemBody a PutItem request body ({@code TableName}, {@code Item} in DynamoDB JSON)
   * @throws IllegalArgumentException when it names neither {@value #AUDIT} nor {@value #REQUESTS}, or
   *     an attribute type other than S, N, BOOL or M
   */
  public void put(JsonNode putItemBody) {
    String name = putItemBody.path("TableName").asText();
    String table = switch (name) {
      case AUDIT -> auditTable;
      case REQUESTS -> requestsTable;
      default -> throw new IllegalArgumentException("PutItem of table '" + name + "', expected " + AUDIT + " or " + REQUESTS);
    };
    dynamoDb.putItem(r -> r.tableName(table).item(attributes(putItemBody.get("Item"))));
  }

  /**
   * Whether {@code putItemBody} writes table {@code name} ({@value #AUDIT} or {@value #REQUESTS}).
   *
   * @param putItemBody a PutItem request body
   * @param name a table name of the controller
   * @return whether its {@code TableName} is {@code name}
   */
  public static boolean writes(JsonNode putItemBody, String name) {
    return name.equals(putItemBody.path("TableName").asText());
  }

  /**
   * The {@code request_id} of a PutItem body's item.
   *
   * @param putItemBody a PutItem request body
   * @return its item's {@code request_id} string
   */
  public static String requestId(JsonNode putItemBody) {
    return putItemBody.get("Item").get("request_id").get("S").asText();
  }

  /**
   * The JIT controller's PutItem request bodies ({@value #PUT_ITEMS_RESOURCE} on the caller's test
   * classpath), in the order it wrote them.
   *
   * @return one body per non-blank line
   * @throws IllegalStateException when the resource is not on the classpath
   * @throws UncheckedIOException when it cannot be read or a line is not JSON
   */
  public static List<JsonNode> controllerPutItems() {
    InputStream in = MotoJitTables.class.getResourceAsStream(PUT_ITEMS_RESOURCE);
    if (in == null) {
      throw new IllegalStateException(PUT_ITEMS_RESOURCE + " is not on the test classpath");
    }
    List<JsonNode> bodies = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          bodies.add(JSON.readTree(line).get("body"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + PUT_ITEMS_RESOURCE, e);
    }
    return bodies;
  }

  /**
   * A DynamoDB JSON item ({@code {"attr": {"S": "..."}, ...}}) as SDK attribute values; types S, N, BOOL
   * and M (nested), the types the controller writes.
   *
   * @param item the item in DynamoDB JSON
   * @return attribute name to value, in the item's order
   * @throws IllegalArgumentException for another type
   */
  public static Map<String, AttributeValue> attributes(JsonNode item) {
    Map<String, AttributeValue> out = new LinkedHashMap<>();
    item.properties().forEach(e -> out.put(e.getKey(), attribute(e.getValue())));
    return out;
  }

  private static AttributeValue attribute(JsonNode typed) {
    var e = typed.properties().iterator().next();
    JsonNode v = e.getValue();
    return switch (e.getKey()) {
      case "S" -> AttributeValue.fromS(v.asText());
      case "N" -> AttributeValue.fromN(v.asText());
      case "BOOL" -> AttributeValue.fromBool(v.asBoolean());
      case "M" -> AttributeValue.fromM(attributes(v));
      default -> throw new IllegalArgumentException("DynamoDB attribute type " + e.getKey() + ", expected S, N, BOOL or M");
    };
  }

  /** Closes both clients. */
  @Override
  public void close() {
    try {
      streams.close();
    } finally {
      dynamoDb.close();
    }
  }
}
