package io.glasswatch.producers.ingest.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A load generator for the ingest endpoint, run as its own process: {@code threads} workers each send
 * signed {@code POST /v1/events} requests of {@code batch} gateway {@code request} events (distinct
 * request ids) back to back, HTTP/1.1 keep-alive, for {@code warmup + duration} seconds, and print the
 * figures of the measured part: requests and events accepted (202) per second, other statuses, and
 * request latency percentiles in milliseconds (each request's time from send to the full response).
 *
 * <p>Usage: {@code IngestLoadGenerator URL KEY_ID SECRET_FILE [threads=8] [batch=100] [duration=30]
 * [warmup=5]}; the secret is read from a file so it never shows in a process list. Exit status 0 when
 * every measured request was accepted, 1 otherwise.
 */
public final class IngestLoadGenerator {
  private IngestLoadGenerator() {}

  /**
   * Runs the load.
   *
   * @param args URL, key id, secret file, then optional threads, batch, duration s, warm-up s
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: IngestLoadGenerator URL KEY_ID SECRET_FILE [threads] [batch] [duration s] [warmup s]");
      System.exit(2);
    }
    URI url = URI.create(args[0]);
    String keyId = args[1];
    byte[] secret = Files.readString(Path.of(args[2])).trim().getBytes(StandardCharsets.UTF_8);
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    int batch = args.length > 4 ? Integer.parseInt(args[4]) : 100;
    int duration = args.length > 5 ? Integer.parseInt(args[5]) : 30;
    int warmup = args.length > 6 ? Integer.parseInt(args[6]) : 5;

    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long start = System.nanoTime();
    long measureFrom = start + Duration.ofSeconds(warmup).toNanos();
    long end = measureFrom + Duration.ofSeconds(duration).toNanos();
    AtomicLong ids = new AtomicLong();
    LongAdder accepted = new LongAdder();
    Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    List<long[]> latencies = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    String run = Long.toHexString(System.currentTimeMillis());
    for (int t = 0; t < threads; t++) {
      long[] lat = new long[2_000_000];
      int[] n = {0};
      latencies.add(lat);
      Thread w = Thread.ofPlatform().name("load-" + t).start(() -> {
        StringBuilder sb = new StringBuilder(batch * 220);
        while (System.nanoTime() < end) {
          sb.setLength(0);
          sb.append('[');
          for (int i = 0; i < batch; i++) {
            if (i > 0) {
              sb.append(',');
            }
            sb.append("{\"type\":\"request\",\"requestId\":\"bench-").append(run).append('-').append(ids.incrementAndGet())
                .append("\",\"subject\":\"alice@example.com\",\"justification\":\"load test\",\"ticketId\":\"INC-1\",")
                .append("\"accountId\":\"111122223333\",\"timestamp\":\"2024-05-01T12:00:00Z\"}");
          }
          sb.append(']');
          byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
          HttpRequest.Builder b = HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .header("Content-Type", "application/json");
          RequestSignature.headers(keyId, secret, "POST", url.getRawPath(), Instant.now().getEpochSecond(), body)
              .forEach(b::header);
          long t0 = System.nanoTime();
          int status;
          try {
            status = client.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
          } catch (IOException e) {
            status = -1;
          } catch (InterruptedException e) {
            return;
          }
          long t1 = System.nanoTime();
          if (t0 >= measureFrom && t1 <= end) {
            statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
            if (status == 202) {
              accepted.add(batch);
            }
            if (n[0] < lat.length) {
              lat[n[0]++] = t1 - t0;
            }
          }
        }
        lat[lat.length - 1] = n[0]; // count in the last slot
      });
      workers.add(w);
    }
    for (Thread w : workers) {
      w.join();
    }
    long total = 0;
    for (long[] l : latencies) {
      total += l[l.length - 1];
    }
    long[] all = new long[(int) total];
    int k = 0;
    for (long[] l : latencies) {
      int c = (int) l[l.length - 1];
      System.arraycopy(l, 0, all, k, c);
      k += c;
    }
    Arrays.sort(all);
    long requests = statuses.values().stream().mapToLong(LongAdder::sum).sum();
    System.out.printf("ingest endpoint load: %d threads, %d events per request, %d s measured after %d s warm-up%n",
        threads, batch, duration, warmup);
    System.out.printf("requests: %d (%.1f/s), statuses %s%n", requests, requests / (double) duration, statuses);
    System.out.printf("events accepted (202, acks=all): %d, %.0f events/s%n", accepted.sum(), accepted.sum() / (double) duration);
    System.out.printf("latency per request (ms): p50 %.1f, p95 %.1f, p99 %.1f, max %.1f%n",
        pct(all, 50), pct(all, 95), pct(all, 99), all.length == 0 ? 0 : all[all.length - 1] / 1e6);
    long notAccepted = requests - statuses.getOrDefault(202, new LongAdder()).sum();
    System.exit(notAccepted == 0 && requests > 0 ? 0 : 1);
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
