package io.glasswatch.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.sinks.elasticsearch.ElasticsearchConnection;
import io.glasswatch.sinks.timeline.TimelineIndexTemplate;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code glasswatch report} on a real Elasticsearch: the demo scenarios' timeline is indexed as the sink
 * writes it, and the command reads it back as the reader user.
 */
class ReportCommandIT {
  static GlasswatchSettings settings;

  @TempDir Path dir;

  record Run(int status, String out, String err) {}

  @BeforeAll
  static void indexTheDemoTimeline() throws Exception {
    settings = TestStack.settings(Component.ELASTICSEARCH)
        .with(GlasswatchSettings.ES_TIMELINE_INDEX, "glasswatch-timeline-report-it-" + System.nanoTime());
    TimelineIndexTemplate.install(settings);
    List<Map<String, Object>> docs = new ArrayList<>();
    DemoTimeline.withRevokeResults(DemoTimeline.chains(DemoTimeline.documents())).values().forEach(docs::addAll);
    try (ElasticsearchConnection admin = ElasticsearchConnection.admin(settings)) {
      TimelineIndexer.index(admin.client(), settings.get(GlasswatchSettings.ES_TIMELINE_INDEX), docs);
    }
  }

  static Run report(GlasswatchSettings s, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    s.asMap().forEach((k, v) -> all.addAll(List.of("--set", k + "=" + v)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      CommandLine cl = new CommandLine(new ReportCommand());
      int status = cl.execute(all.toArray(String[]::new));
      return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void readsTheTimelineAsTheReaderUserAndWritesTheReviewWithProgress() throws Exception {
    Path file = dir.resolve("q.html");
    long t0 = System.nanoTime();
    Run run = report(settings, "--from", "2010-01-01", "--to", "2029-12-31", "--out", file.toString());
    long millis = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("demo report from Elasticsearch: " + millis + " ms; " + run.out().strip());
    assertThat(run.status()).as(run.err()).isZero();
    // 25 break-glass events read (13 canonical, 08's five requests and two audit subjects, 09's five requests);
    // the 22 account correlations of routine CloudTrail activity only counted
    assertThat(run.err()).contains("report: 47 correlations in the period",
        "25 to read, 22 routine account activity (331 documents counted, not read)",
        "report: read 297 documents, 25 of 25 events", "report: read and reviewed 628 documents",
        "5 charts drawn in", "25 events templated in");
    assertThat(run.out()).contains("report written to " + file.toAbsolutePath(), "25 events", "42 alerts");
    assertThat(millis).isLessThan(5000);
    Document html = Jsoup.parse(Files.readString(file));
    assertThat(html.select("div.event")).hasSize(25);
    assertThat(html.select("tr.alert")).hasSize(42);
    DemoTimeline.alerts().forEach(a ->
        assertThat(html.selectFirst("tr.alert[data-alert-id=" + a.get("alertId") + "]")).isNotNull());
    assertThat(html.select("#rotation-table tr[data-event]")).hasSize(4);
    assertThat(html.select("svg")).hasSize(5);
    assertThat(html.selectFirst("#summary-chains .big").text()).isEqualTo("25 / 25");
  }

  @Test
  void theTenantAndAccountFiltersRunInElasticsearch() throws Exception {
    Path file = dir.resolve("payments.html");
    Run run = report(settings, "--from", "2010-01-01", "--to", "2029-12-31", "--tenant", "payments",
        "--out", file.toString());
    assertThat(run.status()).as(run.err()).isZero();
    Document html = Jsoup.parse(Files.readString(file));
    assertThat(html.select("div.event").eachAttr("data-event")).contains("JIT-20230314-0042")
        .doesNotContain("BG-20221110-0001");
    Run account = report(settings, "--from", "2022-11-01", "--to", "2022-11-30", "--account", "111122223333",
        "--out", dir.resolve("acct.html").toString());
    assertThat(account.status()).as(account.err()).isZero();
    assertThat(Jsoup.parse(Files.readString(dir.resolve("acct.html"))).select("div.event").eachAttr("data-event"))
        .containsExactly("BG-20221110-0001");
  }

  @Test
  void writesAPdfOnRequest() throws Exception {
    Path file = dir.resolve("q.pdf");
    Run run = report(settings, "--from", "2022-01-01", "--to", "2023-12-31", "--format", "pdf", "--out", file.toString());
    assertThat(run.status()).as(run.err()).isZero();
    byte[] pdf = Files.readAllBytes(file);
    assertThat(new String(pdf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
    assertThat(pdf.length).isGreaterThan(20_000);
  }

  @Test
  void aWrongReaderPasswordFailsWithoutWritingAFile() {
    Path file = dir.resolve("denied.html");
    Run run = report(settings.with(GlasswatchSettings.ES_READER_PASSWORD, "wrong"), "--from", "2010-01-01",
        "--to", "2029-12-31", "--out", file.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("unable to authenticate user [" + settings.get(GlasswatchSettings.ES_READER_USER) + "]");
    assertThat(file).doesNotExist();
  }
}
