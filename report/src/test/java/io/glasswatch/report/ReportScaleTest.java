package io.glasswatch.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Review and rendering of 100,000 timeline documents without Elasticsearch (160 re-chained copies of
 * the demo timeline): the part of the 60 s budget that is not reading. Runs on request
 * ({@code -Dgroups=benchmark}); prints the figures.
 */
@Tag("benchmark")
class ReportScaleTest {
  @Test
  void reviewsAndRendersOneHundredThousandDocuments() {
    Map<String, List<Map<String, Object>>> demo =
        DemoTimeline.withRevokeResults(DemoTimeline.chains(DemoTimeline.documents()));
    ReportBuilder b = new ReportBuilder(ReportRenderTest.ALL, PolicyInForce.builtIn(), ReportRenderTest.NOW);
    long review = 0;
    for (int k = 0; k < ReportBenchmarkIT.COPIES; k++) {
      Map<String, List<Map<String, Object>>> copy = DemoTimeline.chains(SyntheticTimeline.copy(demo, k));
      long t = System.nanoTime();
      copy.forEach(b::add);
      review += System.nanoTime() - t;
    }
    long t1 = System.nanoTime();
    Report report = b.build(Instant.now());
    String html = new HtmlReport().render(report, "", false);
    long render = System.nanoTime() - t1;
    System.out.printf("scale: %d documents, %d events: review %.2f s, render %.2f s, HTML %d KiB%n",
        report.documents(), report.events().size(), review / 1e9, render / 1e9, html.length() >> 10);
    assertThat(report.documents()).isGreaterThanOrEqualTo(100_000);
  }
}
