package io.glasswatch.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/** The report of the demo scenarios, rendered from the replayed timeline and read back from its HTML. */
class ReportRenderTest {
  static final ReportScope ALL = new ReportScope(Instant.parse("2010-01-01T00:00:00Z"),
      Instant.parse("2030-01-01T00:00:00Z"), null, null);
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static Report demoReport(ReportScope scope) {
    ReportBuilder b = new ReportBuilder(scope, PolicyInForce.builtIn(), NOW);
    DemoTimeline.withRevokeResults(DemoTimeline.chains(DemoTimeline.documents())).forEach(b::add);
    return b.build(NOW);
  }

  @Test
  void writesTheDemoReportForInspection() throws Exception {
    Report report = demoReport(ALL);
    String html = new HtmlReport().render(report, "evidence/", false);
    Path dir = Path.of("target", "report");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("demo-report.html"), html);
    Document doc = Jsoup.parse(html);
    assertThat(doc.select("svg")).hasSize(5);
  }
}
