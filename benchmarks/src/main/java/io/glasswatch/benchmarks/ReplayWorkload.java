package io.glasswatch.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Writes CloudTrail input for the replay benchmark ({@code benchmarks/replay.sh}): gzipped CloudTrail
 * log files ({@code {"Records":[...]}}, the S3 delivery format,
 * docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html), seeded.
 *
 * <p>Usage: {@code ReplayWorkload many DIR RECORDS PER_FILE} writes {@code RECORDS / PER_FILE} files in
 * the S3 key layout ({@code AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/...json.gz});
 * {@code ReplayWorkload one FILE RECORDS} writes one log file of {@code RECORDS} records. Records are
 * about 1 KB each: assumed-role API calls across 20 accounts and 200 roles, one event every 10 ms of
 * event time, with a root console sign-in every 10,000 records (so the detectors have work).
 */
public final class ReplayWorkload {
  private static final String[] EVENTS = {"GetObject", "DescribeInstances", "AssumeRole", "PutObject",
      "ListBuckets", "GetCallerIdentity", "Decrypt", "CreateTags"};
  private static final String[] SOURCES = {"s3.amazonaws.com", "ec2.amazonaws.com", "sts.amazonaws.com",
      "s3.amazonaws.com", "s3.amazonaws.com", "sts.amazonaws.com", "kms.amazonaws.com", "ec2.amazonaws.com"};
  private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");

  private ReplayWorkload() {}

  /** See the class Javadoc. */
  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: ReplayWorkload many DIR RECORDS PER_FILE | one FILE RECORDS");
      System.exit(2);
    }
    long records = Long.parseLong(args[2]);
    Random random = new Random(42);
    if (args[0].equals("one")) {
      Path file = Path.of(args[1]);
      Files.createDirectories(file.toAbsolutePath().getParent());
      write(file, 0, records, random);
    } else {
      int perFile = Integer.parseInt(args[3]);
      Path dir = Path.of(args[1]);
      for (long first = 0, n = 0; first < records; first += perFile, n++) {
        long count = Math.min(perFile, records - first);
        Instant t = START.plusMillis(first * 10);
        String account = account((int) (n % 20));
        String day = t.toString().substring(0, 10).replace('-', '/');
        Path file = dir.resolve("AWSLogs/" + account + "/CloudTrail/us-east-1/" + day + "/" + account
            + "_CloudTrail_us-east-1_" + t.truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "") + "_" + n
            + ".json.gz");
        Files.createDirectories(file.getParent());
        write(file, first, count, random);
      }
    }
  }

  private static String account(int i) {
    return String.format("1111%08d", i);
  }

  private static void write(Path file, long first, long count, Random random) {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
      StringBuilder sb = new StringBuilder(1 << 16);
      sb.append("{\"Records\":[");
      for (long i = first; i < first + count; i++) {
        if (i > first) {
          sb.append(',');
        }
        record(sb, i, random);
        if (sb.length() > 1 << 16) {
          out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
          sb.setLength(0);
        }
      }
      sb.append("]}");
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void record(StringBuilder sb, long i, Random random) {
    String time = START.plusMillis(i * 10).truncatedTo(ChronoUnit.SECONDS).toString();
    String account = account(random.nextInt(20));
    if (i % 10_000 == 5_000) {
      sb.append("{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"Root\",\"principalId\":\"").append(account)
          .append("\",\"arn\":\"arn:aws:iam::").append(account).append(":root\",\"accountId\":\"").append(account)
          .append("\"},\"eventTime\":\"").append(time).append("\",\"eventSource\":\"signin.amazonaws.com\","
              + "\"eventName\":\"ConsoleLogin\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.7\","
              + "\"userAgent\":\"Mozilla/5.0\",\"requestParameters\":null,\"responseElements\":{\"ConsoleLogin\":"
              + "\"Success\"},\"additionalEventData\":{\"MFAUsed\":\"Yes\"},\"eventID\":\"root-").append(i)
          .append("\",\"readOnly\":false,\"eventType\":\"AwsConsoleSignIn\",\"managementEvent\":true,"
              + "\"recipientAccountId\":\"").append(account).append("\",\"eventCategory\":\"Management\"}");
      return;
    }
    int e = random.nextInt(EVENTS.length);
    int role = random.nextInt(200);
    sb.append("{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"AROAEXAMPLE")
        .append(role).append(":session-").append(role).append("\",\"arn\":\"arn:aws:sts::").append(account)
        .append(":assumed-role/app-role-").append(role).append("/session-").append(role)
        .append("\",\"accountId\":\"").append(account).append("\",\"accessKeyId\":\"ASIAEXAMPLE").append(role)
        .append("\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"AROAEXAMPLE")
        .append(role).append("\",\"arn\":\"arn:aws:iam::").append(account).append(":role/app-role-").append(role)
        .append("\",\"accountId\":\"").append(account).append("\",\"userName\":\"app-role-").append(role)
        .append("\"},\"attributes\":{\"creationDate\":\"").append(time).append("\",\"mfaAuthenticated\":\"false\"}}},")
        .append("\"eventTime\":\"").append(time).append("\",\"eventSource\":\"").append(SOURCES[e])
        .append("\",\"eventName\":\"").append(EVENTS[e]).append("\",\"awsRegion\":\"us-east-1\",")
        .append("\"sourceIPAddress\":\"10.0.").append(random.nextInt(256)).append('.').append(random.nextInt(256))
        .append("\",\"userAgent\":\"aws-sdk-java/2.40.2 Linux/6.1 OpenJDK_64-Bit_Server_VM/21\",")
        .append("\"requestParameters\":{\"bucketName\":\"data-").append(random.nextInt(50))
        .append("\",\"key\":\"objects/").append(Long.toHexString(random.nextLong())).append("\"},")
        .append("\"responseElements\":null,\"requestID\":\"").append(Long.toHexString(random.nextLong()))
        .append("\",\"eventID\":\"").append(new java.util.UUID(random.nextLong(), i).toString())
        .append("\",\"readOnly\":").append(e % 2 == 0).append(",\"eventType\":\"AwsApiCall\",")
        .append("\"managementEvent\":true,\"recipientAccountId\":\"").append(account)
        .append("\",\"eventCategory\":\"Management\",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\","
            + "\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\",\"clientProvidedHostHeader\":\"")
        .append(SOURCES[e]).append("\"}}");
  }
}
