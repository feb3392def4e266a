package io.glasswatch.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.sinks.elasticsearch.ElasticsearchConnection;
import io.glasswatch.sinks.timeline.TimelineIndexTemplate;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report for 100,000 timeline documents (160 renamed, re-chained copies of the demo timeline, 628 a copy)
 * read from Elasticsearch: must take under 60 s with progress on the console. Runs only on request:
 * {@code mvn -pl report -am verify -Dit.test=ReportBenchmarkIT -Dreport.excludedGroups=none ...}.
 * Prints the figures (indexing, read, render, heap).
 */
@Tag("benchmark")
class ReportBenchmarkIT {
  static final int COPIES = 160;

  @TempDir Path dir;

  @Test
  void reportsOneHundredThousandDocumentsInUnderAMinute() throws Exception {
    // -Dglasswatch.report.benchmark.prefix=P reuses the indices of an earlier run (indexing takes minutes)
    String prefix = System.getProperty("glasswatch.report.benchmark.prefix",
        "glasswatch-timeline-report-bench-" + System.nanoTime());
    GlasswatchSettings s = TestStack.settings(Component.ELASTICSEARCH).with(GlasswatchSettings.ES_TIMELINE_INDEX, prefix);
    TimelineIndexTemplate.install(s);
    Map<String, List<Map<String, Object>>> demo =
        DemoTimeline.withRevokeResults(DemoTimeline.chains(DemoTimeline.documents()));
    long indexed = 0;
    long t0 = System.nanoTime();
    try (ElasticsearchConnection admin = ElasticsearchConnection.admin(s)) {
      long present = admin.client().count(c -> c.index(prefix + "-*").allowNoIndices(true).ignoreUnavailable(true)).count();
      for (int k = present > 0 ? COPIES : 0; k < COPIES; k++) {
        List<Map<String, Object>> docs = SyntheticTimeline.copy(demo, k);
        TimelineIndexer.indexOnly(admin.client(), s.get(GlasswatchSettings.ES_TIMELINE_INDEX), docs);
        indexed += docs.size();
      }
      TimelineIndexer.refresh(admin.client(), s.get(GlasswatchSettings.ES_TIMELINE_INDEX));
      indexed = Math.max(indexed, present);
    }
    double indexSeconds = (System.nanoTime() - t0) / 1e9;
    assertThat(indexed).isGreaterThanOrEqualTo(100_000);

    Path file = dir.resolve("bench.html");
    long t1 = System.nanoTime();
    long cpu0 = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
    ReportCommandIT.Run run = ReportCommandIT.report(s, "--from", "2010-01-01", "--to", "2029-12-31",
        "--out", file.toString());
    double reportSeconds = (System.nanoTime() - t1) / 1e9;
    double cpuSeconds = (((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() - cpu0) / 1e9;
    System.out.printf("benchmark: report took %.2f s of CPU time in this process%n", cpuSeconds);
    Runtime rt = Runtime.getRuntime();
    long heapMiB = (rt.totalMemory() - rt.freeMemory()) >> 20;
    System.out.printf("benchmark: indexed %d documents in %.1f s; report in %.2f s (%s); heap in use %d MiB, "
            + "HTML %d KiB%n", indexed, indexSeconds, reportSeconds, run.out().strip(), heapMiB,
        Files.size(file) >> 10);
    System.out.println("progress (" + run.err().lines().count() + " lines):");
    run.err().lines().forEach(l -> System.out.println("  " + l));
    System.out.printf("load average during the run: %.2f (%d processors)%n",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains(indexed + " timeline documents");
    assertThat(run.err().lines().filter(l -> l.startsWith("report: read "))).hasSizeGreaterThan(5);
    assertThat(reportSeconds).isLessThan(60);
  }
}
