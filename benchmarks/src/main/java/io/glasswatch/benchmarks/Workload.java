package io.glasswatch.benchmarks;

import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.replay.InputRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A deterministic (seeded), event-time ordered, endless stream of Glasswatch input records: about
 * 99% background CloudTrail and 1% break-glass lifecycle events.
 *
 * <p>Background: non-root API calls (EC2, S3, STS, IAM reads, KMS, CloudWatch Logs, Lambda, RDS,
 * DynamoDB, SSM, ECR) by assumed roles (one of them an IAM Identity Center role {@code AWSReservedSSO_*}
 * with random session names: the session attribution looks at each such record and matches none), IAM
 * users and AWS services, a few denied, on {@link Options#accounts()} accounts (skewed: low account numbers are busier), at
 * {@link Options#backgroundRate()} records per second of event time (exponential gaps), each with a
 * realistic raw {@code record} JSON of about 1 KB.
 *
 * <p>Break-glass lifecycles start as a Poisson process whose rate makes their records
 * {@link Options#breakGlassShare()} of all records. A JIT lifecycle: request, approvals by
 * {@code incident_command} and {@code security} (10–90 s apart), a grant with an IAM Identity Center
 * assignment (with its permission set and user names, so its sessions are watched) valid 10–30 min, 1–4 allowed usages, the expiry at {@code expiresAt};
 * {@link Options#violationShare()} of them add an allowed usage 1–3 min after expiry (one
 * USAGE_AFTER_EXPIRY alert and one revoke command each). A root lifecycle ({@link Options#rootShare()}):
 * request of kind {@code root}, approvals, a grant valid 10–20 min, the break-glass root declaration
 * (expected duration 60 min), a root {@code ConsoleLogin} with MFA, 2–4 root API calls and the root
 * password change, all inside the grant, the expiry, and a gateway
 * {@code rotation} event 1–10 min after it: compliant, so no alert. Subjects are drawn from 50,000
 * people, so no one requests often.
 *
 * <p>So that the mix is stationary from {@link Options#start()} on (lifecycles in every phase, not
 * only fresh requests), the lifecycle process runs from {@value #PRE_ROLL_MINUTES} minutes before the
 * start: {@link #preRoll()} returns the lifecycle records before the start (to be processed before
 * anything is measured, like the preloaded open requests); {@link #next()} then returns background and
 * lifecycle records from the start on.
 *
 * <p>Not thread-safe. The same options give the same records, ids and bytes.
 */
public final class Workload implements Iterator<InputRecord> {

  /**
   * Workload parameters.
   *
   * @param seed random seed
   * @param start event time of the first record
   * @param accounts number of AWS accounts (12-digit ids derived from the index)
   * @param backgroundRate background CloudTrail records per second of event time
   * @param breakGlassShare target share of break-glass lifecycle records among all records (0..0.5)
   * @param rootShare share of lifecycles that are root break-glass (0..1)
   * @param violationShare share of JIT lifecycles with an allowed usage after expiry (0..1)
   */
  public record Options(long seed, Instant start, int accounts, double backgroundRate, double breakGlassShare,
      double rootShare, double violationShare) {
    /** Validates the ranges. */
    public Options {
      if (accounts < 1 || backgroundRate <= 0 || breakGlassShare < 0 || breakGlassShare > 0.5 || rootShare < 0
          || rootShare > 1 || violationShare < 0 || violationShare > 1) {
        throw new IllegalArgumentException("invalid workload options " + this);
      }
    }

    /**
     * Seed 42, start 2025-03-03T08:00:00Z, 1,000 accounts, 1,000 background records/s (one management
     * event per account and second), 1% break-glass, 20% root, 2% violations.
     */
    public static Options defaults() {
      return new Options(42, Instant.parse("2025-03-03T08:00:00Z"), 1_000, 1_000, 0.01, 0.2, 0.02);
    }

    /** A copy with another seed. */
    public Options withSeed(long s) {
      return new Options(s, start, accounts, backgroundRate, breakGlassShare, rootShare, violationShare);
    }

    /** A copy starting at {@code t}. */
    public Options withStart(Instant t) {
      return new Options(seed, t, accounts, backgroundRate, breakGlassShare, rootShare, violationShare);
    }

    /** A copy with another number of accounts. */
    public Options withAccounts(int n) {
      return new Options(seed, start, n, backgroundRate, breakGlassShare, rootShare, violationShare);
    }

    /** A copy with another background rate (records per second of event time). */
    public Options withBackgroundRate(double r) {
      return new Options(seed, start, accounts, r, breakGlassShare, rootShare, violationShare);
    }
  }

  /** Event-time gap between two open requests of {@link #openRequests}. */
  public static final long OPEN_SPACING_MS = 4;

  private static final String INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-72230d1a6c1f2ab7";
  private static final String[] PERMISSION_SETS = {
      "arn:aws:sso:::permissionSet/ssoins-72230d1a6c1f2ab7/ps-0f4d2c1e9b8a7d60",
      "arn:aws:sso:::permissionSet/ssoins-72230d1a6c1f2ab7/ps-1a2b3c4d5e6f7081",
      "arn:aws:sso:::permissionSet/ssoins-72230d1a6c1f2ab7/ps-9e8d7c6b5a493827"};
  /** Names of {@link #PERMISSION_SETS}, carried by the grants' assignments so their AWS sessions are watched. */
  private static final String[] PERMISSION_SET_NAMES = {"BreakGlassAdmin", "BreakGlassReadOnly", "BreakGlassNetwork"};

  /** Background API calls: source, name, read-only. */
  private static final String[][] CALLS = {
      {"ec2.amazonaws.com", "DescribeInstances", "true"}, {"ec2.amazonaws.com", "DescribeSecurityGroups", "true"},
      {"ec2.amazonaws.com", "RunInstances", "false"}, {"s3.amazonaws.com", "GetBucketLocation", "true"},
      {"s3.amazonaws.com", "ListBuckets", "true"}, {"s3.amazonaws.com", "PutBucketTagging", "false"},
      {"sts.amazonaws.com", "AssumeRole", "true"}, {"sts.amazonaws.com", "GetCallerIdentity", "true"},
      {"iam.amazonaws.com", "ListRoles", "true"}, {"iam.amazonaws.com", "GetRole", "true"},
      {"kms.amazonaws.com", "Decrypt", "true"}, {"kms.amazonaws.com", "GenerateDataKey", "true"},
      {"logs.amazonaws.com", "CreateLogStream", "false"}, {"logs.amazonaws.com", "DescribeLogGroups", "true"},
      {"lambda.amazonaws.com", "ListFunctions20150331", "true"}, {"rds.amazonaws.com", "DescribeDBInstances", "true"},
      {"dynamodb.amazonaws.com", "DescribeTable", "true"}, {"ssm.amazonaws.com", "GetParameter", "true"},
      {"ecr.amazonaws.com", "GetAuthorizationToken", "true"}, {"monitoring.amazonaws.com", "GetMetricData", "true"}};
  private static final String[] ROLES = {"ci-deployer", "app-runtime", "data-pipeline", "observability",
      "OrganizationAccountAccessRole", "AWSReservedSSO_BreakGlassReadOnly_5b7a0c2e9d4f1a36"};
  private static final String[] REGIONS = {"us-east-1", "us-east-1", "us-west-2", "eu-west-1", "eu-central-1"};
  private static final String[] AGENTS = {"aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64",
      "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1 lang/python#3.12.2", "aws-sdk-java/2.25.13 Linux/6.1 OpenJDK_64-Bit_Server_VM/21",
      "Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0"};
  private static final String[][] ROOT_CALLS = {
      {"iam.amazonaws.com", "GetAccountSummary"}, {"iam.amazonaws.com", "ListUsers"}, {"s3.amazonaws.com", "ListBuckets"},
      {"cloudtrail.amazonaws.com", "DescribeTrails"}, {"organizations.amazonaws.com", "DescribeOrganization"}};

  private final Options options;
  private final SplittableRandom random;
  private final String[] accountIds;
  private final PriorityQueue<Scheduled> lifecycle = new PriorityQueue<>();
  /** Minutes the lifecycle process runs before the start (longer than any lifecycle). */
  public static final int PRE_ROLL_MINUTES = 40;
  /** Average records of one JIT lifecycle (without the violation) and of one root lifecycle. */
  private static final double JIT_RECORDS = 7.5;
  private static final double ROOT_RECORDS = 12.0;

  private final double meanBackgroundGapMs;
  private final double meanLifecycleGapMs;
  private final List<InputRecord> preRoll;
  private double backgroundClock;
  private double lifecycleClock;
  private long scheduleSeq;
  private long requests;
  private long backgroundCount;
  private long lifecycleCount;

  /** A scheduled lifecycle record, ordered by time and then by scheduling order. */
  private record Scheduled(long at, long seq, InputRecord record) implements Comparable<Scheduled> {
    @Override
    public int compareTo(Scheduled o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  /** A workload with {@code options}. */
  public Workload(Options options) {
    this.options = options;
    this.random = new SplittableRandom(options.seed());
    this.accountIds = accountIds(options.accounts());
    this.meanBackgroundGapMs = 1000.0 / options.backgroundRate();
    double lifecycleRecords = (1 - options.rootShare()) * (JIT_RECORDS + options.violationShare())
        + options.rootShare() * ROOT_RECORDS;
    double lifecycleRecordsPerSecond = options.backgroundRate() * options.breakGlassShare()
        / (1 - options.breakGlassShare());
    this.meanLifecycleGapMs = lifecycleRecordsPerSecond == 0 ? Double.POSITIVE_INFINITY
        : 1000.0 * lifecycleRecords / lifecycleRecordsPerSecond;
    long start = options.start().toEpochMilli();
    this.backgroundClock = start;
    this.lifecycleClock = start - PRE_ROLL_MINUTES * 60_000L + exponential(meanLifecycleGapMs);
    while (lifecycleClock < start) {
      startLifecycle((long) lifecycleClock);
      lifecycleClock += exponential(meanLifecycleGapMs);
    }
    List<InputRecord> before = new ArrayList<>();
    while (!lifecycle.isEmpty() && lifecycle.peek().at() < start) {
      before.add(lifecycle.poll().record());
    }
    this.preRoll = List.copyOf(before);
  }

  /** The account ids: 12 digits, distinct, derived from the index. */
  public static String[] accountIds(int n) {
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      ids[i] = String.format(Locale.ROOT, "%012d", 100_000_000_000L + i * 7_919L);
    }
    return ids;
  }

  /** Always true: the workload is endless. */
  @Override
  public boolean hasNext() {
    return true;
  }

  /** The next record from the start on, in event-time order (ties: lifecycle records first, in scheduling order). */
  @Override
  public InputRecord next() {
    while (lifecycleClock <= backgroundClock) {
      startLifecycle((long) lifecycleClock);
      lifecycleClock += exponential(meanLifecycleGapMs);
    }
    long bg = (long) backgroundClock;
    if (!lifecycle.isEmpty() && lifecycle.peek().at() <= bg) {
      lifecycleCount++;
      return lifecycle.poll().record();
    }
    backgroundClock += exponential(meanBackgroundGapMs);
    backgroundCount++;
    return background(bg);
  }

  /** The next {@code n} records. */
  public List<InputRecord> next(int n) {
    List<InputRecord> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(next());
    }
    return list;
  }

  /**
   * The lifecycle records before {@link Options#start()} (see class Javadoc), in event-time order;
   * not counted by {@link #lifecycleCount()}.
   */
  public List<InputRecord> preRoll() {
    return preRoll;
  }

  /**
   * Removes and returns every lifecycle record still scheduled, in event-time order (to play the
   * started lifecycles out to their end without more background).
   */
  public List<InputRecord> drainScheduled() {
    List<InputRecord> list = new ArrayList<>(lifecycle.size());
    while (!lifecycle.isEmpty()) {
      list.add(lifecycle.poll().record());
    }
    lifecycleCount += list.size();
    return list;
  }

  /** Background CloudTrail records returned so far. */
  public long backgroundCount() {
    return backgroundCount;
  }

  /** Break-glass lifecycle records (gateway events and covered root CloudTrail) returned so far. */
  public long lifecycleCount() {
    return lifecycleCount;
  }

  /** Lifecycles started so far (some of their records may still be scheduled). */
  public long lifecyclesStarted() {
    return requests;
  }

  private double exponential(double mean) {
    return -mean * Math.log(1 - random.nextDouble());
  }

  private String account() {
    double r = random.nextDouble();
    return accountIds[(int) (accountIds.length * r * r)];
  }

  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private InputRecord background(long at) {
    String account = account();
    String[] call = CALLS[random.nextInt(CALLS.length)];
    String region = REGIONS[random.nextInt(REGIONS.length)];
    String id = uuid();
    int kind = random.nextInt(100);
    CloudTrailEvent.Builder b = CloudTrailEvent.newBuilder().setEventID(id).setEventTime(Instant.ofEpochMilli(at))
        .setEventSource(call[0]).setEventName(call[1]).setEventType("AwsApiCall").setAwsRegion(region)
        .setRecipientAccountId(account).setReadOnly(Boolean.parseBoolean(call[2]));
    String arn;
    String principal;
    if (kind < 55) {
      String role = ROLES[random.nextInt(ROLES.length)];
      String session = "s-" + Long.toHexString(random.nextLong() & 0xffffffffL);
      arn = "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session;
      principal = "AROA" + Long.toHexString(random.nextLong() & 0xffffffffffL).toUpperCase(Locale.ROOT) + ":" + session;
      b.setUserIdentityType("AssumedRole").setAccessKeyId("ASIA" + hex16());
    } else if (kind < 80) {
      String service = call[0];
      arn = null;
      principal = null;
      b.setUserIdentityType("AWSService").setInvokedBy(service);
    } else {
      String user = "svc-" + (random.nextInt(40) + 1);
      arn = "arn:aws:iam::" + account + ":user/" + user;
      principal = "AIDA" + hex16();
      b.setUserIdentityType("IAMUser").setUserName(user).setAccessKeyId("AKIA" + hex16());
    }
    b.setUserIdentityArn(arn).setUserIdentityPrincipalId(principal);
    String ip = kind >= 55 && kind < 80 ? call[0] : "203.0." + random.nextInt(113, 114) + "." + random.nextInt(1, 255);
    String agent = kind >= 55 && kind < 80 ? call[0] : AGENTS[random.nextInt(AGENTS.length)];
    b.setSourceIPAddress(ip).setUserAgent(agent);
    if (random.nextInt(100) < 3) {
      b.setErrorCode("AccessDenied").setErrorMessage("User is not authorized to perform: "
          + call[0].substring(0, call[0].indexOf('.')) + ":" + call[1]);
    }
    String params = "{\"maxResults\":" + (random.nextInt(10) * 50 + 50) + ",\"filterSet\":{\"items\":[{\"name\":\"tag:team\","
        + "\"valueSet\":{\"items\":[{\"value\":\"platform\"}]}}]}}";
    b.setRequestParametersJson(params);
    b.setRecord(rawRecord(b, at, id, params));
    return new InputRecord(Topics.CLOUDTRAIL_EVENTS, account, b.build(), null);
  }

  private String hex16() {
    return String.format(Locale.ROOT, "%016X", random.nextLong());
  }

  /** The raw CloudTrail JSON of a record, as the producers keep it (about 1 KB). */
  private static String rawRecord(CloudTrailEvent.Builder b, long at, String id, String params) {
    StringBuilder s = new StringBuilder(1200);
    s.append("{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"").append(b.getUserIdentityType()).append('"');
    if (b.getUserIdentityPrincipalId() != null) {
      s.append(",\"principalId\":\"").append(b.getUserIdentityPrincipalId()).append('"');
    }
    if (b.getUserIdentityArn() != null) {
      s.append(",\"arn\":\"").append(b.getUserIdentityArn()).append("\",\"accountId\":\"")
          .append(b.getRecipientAccountId()).append('"');
    }
    if (b.getAccessKeyId() != null) {
      s.append(",\"accessKeyId\":\"").append(b.getAccessKeyId()).append('"');
    }
    if (b.getInvokedBy() != null) {
      s.append(",\"invokedBy\":\"").append(b.getInvokedBy()).append('"');
    }
    s.append(",\"sessionContext\":{\"attributes\":{\"creationDate\":\"").append(Instant.ofEpochMilli(at - 600_000))
        .append("\",\"mfaAuthenticated\":\"false\"}}},\"eventTime\":\"").append(Instant.ofEpochMilli(at))
        .append("\",\"eventSource\":\"").append(b.getEventSource()).append("\",\"eventName\":\"").append(b.getEventName())
        .append("\",\"awsRegion\":\"").append(b.getAwsRegion()).append("\",\"sourceIPAddress\":\"")
        .append(b.getSourceIPAddress()).append("\",\"userAgent\":\"").append(b.getUserAgent()).append('"');
    if (b.getErrorCode() != null) {
      s.append(",\"errorCode\":\"").append(b.getErrorCode()).append("\",\"errorMessage\":\"").append(b.getErrorMessage())
          .append('"');
    }
    s.append(",\"requestParameters\":").append(params).append(",\"responseElements\":null,\"requestID\":\"")
        .append(id, 0, 18).append("\",\"eventID\":\"").append(id).append("\",\"readOnly\":").append(b.getReadOnly())
        .append(",\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"")
        .append(b.getRecipientAccountId()).append("\",\"eventCategory\":\"Management\",\"tlsDetails\":{\"tlsVersion\":"
            + "\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\",\"clientProvidedHostHeader\":\"")
        .append(b.getEventSource().replace(".amazonaws.com", "")).append('.').append(b.getAwsRegion())
        .append(".amazonaws.com\"}}");
    return s.toString();
  }

  /** Schedules the records of one lifecycle starting at {@code t}. */
  private void startLifecycle(long t) {
    requests++;
    String requestId = String.format(Locale.ROOT, "BG-%d-%07d", options.seed(), requests);
    String account = account();
    String subject = "user" + random.nextInt(50_000) + "@example.com";
    boolean root = random.nextDouble() < options.rootShare();
    long approved1 = t + 10_000 + random.nextLong(80_000);
    long approved2 = approved1 + 10_000 + random.nextLong(80_000);
    long granted = approved2 + 5_000 + random.nextLong(55_000);
    long validFor = root ? 600_000 + random.nextLong(600_000) : 600_000 + random.nextLong(1_200_000);
    long expires = granted + validFor;
    String token = "tok-" + requestId;
    schedule(t, gateway("request", requestId, t).setSubject(subject).setAccountId(account)
        .setKind(root ? "root" : "jit").setJustification("INC-" + requests + ": production outage, need elevated access")
        .setTicketId("INC-" + requests).setScope(List.of(root ? "break_glass:root" : "break_glass:elevated"))
        .setRequestedDurationSeconds(validFor / 1000));
    schedule(approved1, gateway("approval", requestId, approved1).setApprover("ic" + random.nextInt(20) + "@example.com")
        .setApproverRole("incident_command").setApproverAcr("loa2"));
    schedule(approved2, gateway("approval", requestId, approved2).setApprover("sec" + random.nextInt(20) + "@example.com")
        .setApproverRole("security").setApproverAcr("loa3"));
    GatewayEvent.Builder grant = gateway("grant", requestId, granted).setTokenFingerprint(Hashing.tokenFingerprint(token))
        .setExpiresAt(Instant.ofEpochMilli(expires)).setSingleUse(false).setAccountId(account);
    if (!root) {
      grant.setAssignment(assignment(account, subject));
    }
    schedule(granted, grant);
    if (root) {
      long declared = granted + 1_000 + random.nextLong(10_000);
      schedule(declared, gateway("root_declaration", requestId, declared).setAccountId(account).setActor(subject)
          .setActorRole("break_glass_root").setAction("break_glass_root_login").setOutcome("success")
          .setReason("INC-" + requests + ": restore access").setIncidentChannel("#inc-" + requests)
          .setExpectedSessionDurationMinutes(60L));
      long login = granted + 15_000 + random.nextLong(60_000);
      schedule(login, rootCloudTrail(account, login, "signin.amazonaws.com", "ConsoleLogin"));
      int calls = 2 + random.nextInt(3);
      long at = login;
      for (int i = 0; i < calls; i++) {
        at += 15_000 + random.nextLong(60_000);
        String[] c = ROOT_CALLS[random.nextInt(ROOT_CALLS.length)];
        schedule(at, rootCloudTrail(account, at, c[0], c[1]));
      }
      long password = Math.min(expires - 1_000, at + 30_000 + random.nextLong(60_000));
      schedule(password, rootCloudTrail(account, password, "signin.amazonaws.com", "PasswordUpdated"));
      schedule(expires, gateway("expiry", requestId, expires).setReason("ttl"));
      long rotated = expires + 60_000 + random.nextLong(540_000);
      schedule(rotated, gateway("rotation", null, rotated).setAccountId(account).setCredential("root_password")
          .setActor("secops@example.com"));
    } else {
      int usages = 1 + random.nextInt(4);
      for (int i = 0; i < usages; i++) {
        long at = granted + 1 + random.nextLong(validFor - 1);
        schedule(at, usage(requestId, token, subject, at));
      }
      schedule(expires, gateway("expiry", requestId, expires).setReason("ttl"));
      if (random.nextDouble() < options.violationShare()) {
        long late = expires + 60_000 + random.nextLong(120_000);
        schedule(late, usage(requestId, token, subject, late));
      }
    }
  }

  private GatewayEvent.Builder usage(String requestId, String token, String subject, long at) {
    return gateway("usage", requestId, at).setTokenFingerprint(Hashing.tokenFingerprint(token)).setSubject(subject)
        .setResource("arn:aws:s3:::prod-incident-artifacts").setAction("s3:GetObject").setOutcome("allow");
  }

  private static AccountAssignment assignment(String account, String subject) {
    return AccountAssignment.newBuilder().setInstanceArn(INSTANCE_ARN).setAccountId(account)
        .setPermissionSetArn(PERMISSION_SETS[Math.floorMod(subject.hashCode(), PERMISSION_SETS.length)])
        .setPermissionSetName(PERMISSION_SET_NAMES[Math.floorMod(subject.hashCode(), PERMISSION_SETS.length)])
        .setPrincipalType("USER").setPrincipalId("9067a1b2c3-" + Integer.toHexString(subject.hashCode()))
        .setPrincipalName(subject).build();
  }

  private CloudTrailEvent rootCloudTrail(String account, long at, String source, String name) {
    String id = uuid();
    boolean signin = source.startsWith("signin");
    CloudTrailEvent.Builder b = CloudTrailEvent.newBuilder().setEventID(id).setEventTime(Instant.ofEpochMilli(at))
        .setEventSource(source).setEventName(name).setEventType(signin ? "AwsConsoleSignIn" : "AwsApiCall")
        .setAwsRegion("us-east-1").setRecipientAccountId(account).setSourceIPAddress("198.51.100.23")
        .setUserAgent("Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0")
        .setUserIdentityType("Root").setUserIdentityArn("arn:aws:iam::" + account + ":root")
        .setUserIdentityPrincipalId(account);
    if ("ConsoleLogin".equals(name)) {
      b.setMfaUsed("Yes").setConsoleLogin("Success").setResponseElementsJson("{\"ConsoleLogin\":\"Success\"}");
    } else if ("PasswordUpdated".equals(name)) {
      b.setResponseElementsJson("{\"PasswordUpdated\":\"Success\"}");
    } else {
      b.setReadOnly(true);
    }
    b.setRecord(rawRecord(b, at, id, "null"));
    return b.build();
  }

  private static GatewayEvent.Builder gateway(String type, String requestId, long at) {
    return GatewayEvent.newBuilder().setType(type).setRequestId(requestId).setTimestamp(Instant.ofEpochMilli(at))
        .setSourceDigest("");
  }

  private void schedule(long at, GatewayEvent.Builder b) {
    b.setSourceDigest(Hashing.sha256Hex(b.getType() + "|" + b.getRequestId() + "|" + b.getAccountId() + "|"
        + b.getTimestamp().toEpochMilli() + "|" + scheduleSeq));
    GatewayEvent e = b.build();
    String key = e.getRequestId() != null ? e.getRequestId() : e.getAccountId();
    lifecycle.add(new Scheduled(at, scheduleSeq++, new InputRecord(Topics.GATEWAY_EVENTS, key, e, null)));
  }

  private void schedule(long at, CloudTrailEvent e) {
    lifecycle.add(new Scheduled(at, scheduleSeq++,
        new InputRecord(Topics.CLOUDTRAIL_EVENTS, e.getRecipientAccountId(), e, null)));
  }

  /**
   * The gateway records that leave {@code n} JIT requests open (request, two approvals, grant with an
   * assignment, no expiry before {@code expiresAt}), spread round-robin over {@code accounts} accounts,
   * in event-time order, one request every {@value #OPEN_SPACING_MS} ms of event time from {@code from}
   * (its four events 1 ms apart; see {@link #openRequestsSpan(long)}). Request ids are
   * {@code OPEN-<index>}, from {@code firstIndex}; each has its own subject.
   *
   * @param firstIndex index of the first request (so several batches can follow each other)
   * @param n number of requests
   * @param from event time of the first request
   * @param expiresAt the grants' expiry
   * @param accounts number of accounts (ids per {@link #accountIds(int)})
   */
  public static Iterator<InputRecord> openRequests(long firstIndex, long n, Instant from, Instant expiresAt,
      int accounts) {
    String[] ids = accountIds(accounts);
    return new Iterator<>() {
      private long i;
      private int step;

      @Override
      public boolean hasNext() {
        return i < n;
      }

      @Override
      public InputRecord next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        long index = firstIndex + i;
        String requestId = "OPEN-" + index;
        String account = ids[(int) (index % ids.length)];
        String subject = "engineer" + index + "@example.com";
        long at = from.toEpochMilli() + i * OPEN_SPACING_MS + step;
        GatewayEvent.Builder b = switch (step) {
          case 0 -> gateway("request", requestId, at).setSubject(subject).setAccountId(account).setKind("jit")
              .setJustification("long-running migration " + index).setTicketId("CHG-" + index)
              .setScope(List.of("break_glass:elevated"));
          case 1 -> gateway("approval", requestId, at).setApprover("ic@example.com").setApproverRole("incident_command")
              .setApproverAcr("loa2");
          case 2 -> gateway("approval", requestId, at).setApprover("sec@example.com").setApproverRole("security")
              .setApproverAcr("loa3");
          default -> gateway("grant", requestId, at).setTokenFingerprint(Hashing.tokenFingerprint("tok-" + requestId))
              .setExpiresAt(expiresAt).setSingleUse(false).setAccountId(account)
              .setAssignment(assignment(account, subject));
        };
        b.setSourceDigest(Hashing.sha256Hex(requestId + "|" + step));
        if (++step == 4) {
          step = 0;
          i++;
        }
        return new InputRecord(Topics.GATEWAY_EVENTS, requestId, b.build(), null);
      }
    };
  }

  /** Records that close open requests {@code [firstIndex, firstIndex + n)}: one expiry each at {@code at + index ms}. */
  public static Iterator<InputRecord> expiries(long firstIndex, long n, Instant at) {
    return new Iterator<>() {
      private long i;

      @Override
      public boolean hasNext() {
        return i < n;
      }

      @Override
      public InputRecord next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        String requestId = "OPEN-" + (firstIndex + i);
        GatewayEvent.Builder b = gateway("expiry", requestId, at.toEpochMilli() + i).setReason("ttl");
        b.setSourceDigest(Hashing.sha256Hex(requestId + "|expiry"));
        i++;
        return new InputRecord(Topics.GATEWAY_EVENTS, requestId, b.build(), null);
      }
    };
  }

  /**
   * Where the preloaded open requests go: before the pre-roll ({@value #PRE_ROLL_MINUTES} min) and half a
   * minute of margin, so that the state after preloading holds open requests only.
   */
  public static Instant openRequestsFrom(Instant start, long n) {
    return start.minus(Duration.ofMinutes(PRE_ROLL_MINUTES)).minus(openRequestsSpan(n)).minusSeconds(30);
  }

  /** Event-time duration of {@code n} open requests from {@link #openRequests}. */
  public static Duration openRequestsSpan(long n) {
    return Duration.ofMillis(n * OPEN_SPACING_MS);
  }
}
