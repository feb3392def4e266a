package io.glasswatch.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The report of the demo scenarios, rendered from the replayed timeline (with the live pipeline's
 * revoke confirmations) and read back from its HTML.
 */
class ReportRenderTest {
  static final ReportScope ALL = new ReportScope(Instant.parse("2010-01-01T00:00:00Z"),
      Instant.parse("2030-01-01T00:00:00Z"), null, null);
  static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

  static Document html;
  static Report report;
  static long renderMillis;

  static Report demoReport(ReportScope scope) {
    return report(scope, DemoTimeline.withRevokeResults(DemoTimeline.chains(DemoTimeline.documents())));
  }

  static Report report(ReportScope scope, Map<String, List<Map<String, Object>>> chains) {
    ReportBuilder b = new ReportBuilder(scope, PolicyInForce.builtIn(), NOW);
    chains.forEach(b::add);
    return b.build(NOW);
  }

  @BeforeAll
  static void render() throws Exception {
    new HtmlReport().render(demoReport(ALL), "", false); // warm-up: class loading and template compilation
    long t0 = System.nanoTime();
    report = demoReport(ALL);
    String text = new HtmlReport().render(report, "evidence/", false);
    renderMillis = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("demo report: " + report.documents() + " documents, " + report.events().size()
        + " events, reviewed and rendered in " + renderMillis + " ms");
    Path dir = Path.of("target", "report");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("demo-report.html"), text);
    html = Jsoup.parse(text);
  }

  @Test
  void everyRequestOfTheDemoHasItsSectionWithWhoWhenWhyAndApprovals() {
    Map<String, String> requests = new LinkedHashMap<>();
    for (Map<String, Object> d : DemoTimeline.documents()) {
      if ("request".equals(Docs.text(d, "event", "action"))) {
        requests.put(Docs.text(d, "glasswatch", "correlation_id"), Docs.text(d, "user", "name"));
      }
    }
    assertThat(requests).hasSize(22); // 12 canonical, 5 of the AuthZ gateway (08), 5 of the JIT controller (09)
    requests.forEach((id, who) -> {
      Element section = html.selectFirst("div.event[data-event=" + id + "]");
      assertThat(section).as(id).isNotNull();
      assertThat(section.select("table.kv td").eachText()).as(id).contains(who);
      assertThat(html.select("#checklist-table tr[data-event=" + id + "] td")).as(id).hasSize(6);
    });
    Element compliant = html.selectFirst("div.event[data-event=BG-20221110-0001]");
    assertThat(compliant.text()).contains("ticket INC-4312", "IAM admin", "2022-11-10 16:14:00 UTC to 2022-11-10 16:59:00 UTC");
    assertThat(compliant.select("table.approvals tr").eachText())
        .anySatisfy(row -> assertThat(row).contains("bob@example.com", "incident_command", "loa3"))
        .anySatisfy(row -> assertThat(row).contains("carol@example.com", "security", "loa2"));
    assertThat(compliant.select("table.activity td").eachText()).contains("ConsoleLogin", "PasswordUpdated");
    assertThat(compliant.selectFirst("a[href=evidence/BG-20221110-0001.zip]")).isNotNull();
  }

  @Test
  void theAuthzGatewaysOwnRecordsShowTheSelfApprovalItsFailedRevokeAndTheVerifiedAuditChain() {
    // 08: INC-77, approved by alice herself; the gateway's grant is a session token, not an assignment
    Element inc77 = html.selectFirst("div.event[data-event=493000b9-b2ac-4c2f-b843-6aeba4e73c23]");
    assertThat(inc77.text()).contains("ticket INC-77", "zero trust drill", "SELF_APPROVAL", "revoke_failed",
        "no recorded assignment", "dataset-gamma", "audit chain verified");
    assertThat(inc77.select("table.approvals tr").eachText()).anySatisfy(row -> assertThat(row).contains("alice", "loa2"));
    // INC-42, approved by carol and used once: no alert
    Element inc42 = html.selectFirst("div.event[data-event=d7025514-22ac-47ab-839f-50d2aa67f94d]");
    assertThat(inc42.text()).contains("ticket INC-42", "dataset-alpha", "No alert.");
    // the audit log's records without a request are evidence under their subject, every one verified
    Element carol = html.selectFirst("div.event[data-event=subject:carol]");
    assertThat(carol.select("table.activity td").eachText()).contains("audit")
        .noneMatch(t -> t.contains("audit chain broken"));
    assertThat(html.select("#alerts-by-type td:eq(0)").eachText()).doesNotContain("GATEWAY_AUDIT_TAMPERED");
  }

  @Test
  void theJitControllersOwnRecordsShowTheSelfApprovalTheGrantErrorAndTheLongGrant() {
    // 09: frank approved his own request, then the controller failed to grant it
    Element frank = html.selectFirst("div.event[data-event=94e99498-c786-448c-aa1f-cbed3ceb5ec1]");
    assertThat(frank.text()).contains("frank@corp.example", "ticket OPS-105", "never granted", "SELF_APPROVAL",
        "GRANT_ERROR", "in phase grant", "SSOAdmin.ConflictException");
    // dave's 120 min grant: over maxGrantDuration, swept through IAM Identity Center after its end
    Element dave = html.selectFirst("div.event[data-event=7c927304-0700-462b-8144-649060ee18b7]");
    assertThat(dave.text()).contains("dave@corp.example", "1 h 59 min", "EXCESSIVE_DURATION", "revoke_confirmed",
        "90677c927304-idstore");
    assertThat(html.select("#checklist-table tr[data-event=7c927304-0700-462b-8144-649060ee18b7] td").eachText())
        .containsExactly("7c927304-0700-462b-8144-649060ee18b7", "JIT", "no", "not applicable", "yes",
            "could not be decided");
    // alice (expired) and carol (revoked by secops), approved by bob: nothing to report
    for (String compliant : List.of("1d1d7044-857f-45a8-9ab5-6def9d3d47aa", "192a4f91-83bd-4626-9e3c-1b2e493cf06c")) {
      Element section = html.selectFirst("div.event[data-event=" + compliant + "]");
      assertThat(section.text()).as(compliant).contains("bob@corp.example", "No alert.");
    }
  }

  @Test
  void everyAlertOfTheDemoIsListedWithItsTypeAndSeverity() {
    List<Map<String, Object>> alerts = DemoTimeline.alerts();
    assertThat(alerts).hasSize(42);
    for (Map<String, Object> a : alerts) {
      Element row = html.selectFirst("tr.alert[data-alert-id=" + a.get("alertId") + "]");
      assertThat(row).as(a.get("alertId").toString()).isNotNull();
      assertThat(row.text()).contains(a.get("alertType").toString(), a.get("severity").toString());
    }
    assertThat(html.selectFirst("#summary-alerts .big").text()).isEqualTo("42");
    Set<String> types = new TreeSet<>();
    alerts.forEach(a -> types.add(a.get("alertType").toString()));
    assertThat(html.select("#alerts-by-type td:eq(0)").eachText()).containsAll(types);
    assertThat(html.select("#deviations td:eq(0)").eachText()).containsExactlyInAnyOrderElementsOf(types);
  }

  @Test
  void theRotationTableNamesEveryObligationAndItsOutcome() {
    Map<String, String> rows = new LinkedHashMap<>();
    for (Element tr : html.select("#rotation-table tr[data-event]")) {
      rows.put(tr.attr("data-event"), tr.select("td").get(2).text());
    }
    assertThat(rows).containsEntry("BG-20221110-0001", "on time") // 01: rotated during the session
        .containsEntry("BG-20150220-0003", "on time") // 02: compromised, rotated the next morning
        .containsEntry("BG-20181231-0007", "missing") // 03: the rotation never comes
        .containsEntry("account:493859302102", "missing") // a key created after unauthorized root use is no rotation
        .hasSize(4);
    assertThat(html.selectFirst("#summary-rotations .big").text()).isEqualTo("4");
  }

  @Test
  void theSummaryCountsRevokesWithTimeToRevokeAndVerifiedChains() {
    assertThat(report.summary().revokes().requested()).isEqualTo(13);
    assertThat(report.summary().revokes().confirmed()).isEqualTo(12);
    assertThat(report.summary().revokes().failed()).as("the gateway grant of 08 has no assignment").isEqualTo(1);
    assertThat(html.select("#summary-revokes td").eachText())
        .containsSequence("time to revoke, median", "15.2 s")
        .containsSequence("time to revoke, max", "32.6 s");
    assertThat(html.selectFirst("#summary-chains .big").text())
        .isEqualTo(report.events().size() + " / " + report.events().size());
  }

  @Test
  void everyChartIsAnInlineSvgWithDrawing() {
    for (String id : List.of("chart-events-over-time", "chart-alerts-by-type", "chart-time-to-revoke",
        "chart-rotations", "chart-approval-latency")) {
      Element svg = html.selectFirst("svg#" + id);
      assertThat(svg).as(id).isNotNull();
      assertThat(svg.select("rect, path, line").size()).as(id).isGreaterThan(10);
      assertThat(svg.select("text").eachText()).as(id).isNotEmpty();
    }
    assertThat(html.select("script, link, img")).isEmpty(); // self-contained: nothing to fetch
  }

  @Test
  void theChecklistAnswersTheCompliantAndTheViolatingRequestsDifferently() {
    assertThat(html.select("#checklist-table tr[data-event=BG-20221110-0001] td").eachText())
        .containsExactly("BG-20221110-0001", "root", "yes", "yes", "yes", "yes");
    assertThat(html.select("#checklist-table tr[data-event=JIT-20230314-0042] td").eachText())
        .containsExactly("JIT-20230314-0042", "JIT", "no", "not applicable", "yes", "no");
    assertThat(html.select("#checklist-table td.could-not-be-decided")).isNotEmpty();
  }

  @Test
  void theDemoRendersInUnderFiveSeconds() {
    assertThat(renderMillis).isLessThan(5000);
  }

  @Test
  void routineAccountActivityIsCountedButNotReviewed() {
    assertThat(report.background()).isPositive();
    assertThat(report.events()).noneMatch(e -> e.kind() == EventReview.Kind.UNREQUESTED && e.alerts().isEmpty()
        && e.enforcement().isEmpty() && e.rotation().status() == EventReview.RotationStatus.NOT_DUE);
  }

  @Test
  void anAccountOrTenantOrPeriodNarrowsTheReport() {
    Report account = demoReport(new ReportScope(ALL.from(), ALL.to(), "111122223333", null));
    assertThat(account.events()).isNotEmpty().allMatch(e -> "111122223333".equals(e.accountId()));
    assertThat(account.events()).extracting(EventReview::correlationId).contains("BG-20221110-0001")
        .doesNotContain("JIT-20230314-0042");

    Report tenant = demoReport(new ReportScope(ALL.from(), ALL.to(), null, "payments"));
    assertThat(tenant.events()).extracting(EventReview::correlationId).contains("JIT-20230314-0042")
        .doesNotContain("BG-20221110-0001");

    Report november = demoReport(new ReportScope(Instant.parse("2022-11-01T00:00:00Z"),
        Instant.parse("2022-12-01T00:00:00Z"), null, null));
    assertThat(november.events()).extracting(EventReview::correlationId).contains("BG-20221110-0001")
        .doesNotContain("BG-20181231-0007", "JIT-20230314-0042");

    Report empty = demoReport(new ReportScope(Instant.parse("2012-01-01T00:00:00Z"),
        Instant.parse("2012-02-01T00:00:00Z"), null, null));
    assertThat(empty.events()).isEmpty();
    assertThat(Jsoup.parse(new HtmlReport().render(empty, "", false)).text())
        .contains("No break-glass event in the period", "No alert in the period", "No rotation was due");
  }

  @Test
  void anEditedTimelineEntryShowsAsABrokenChain() {
    Map<String, List<Map<String, Object>>> chains = DemoTimeline.chains(DemoTimeline.documents());
    List<Map<String, Object>> chain = new ArrayList<>(chains.get("BG-20221110-0001"));
    Map<String, Object> edited = new LinkedHashMap<>(chain.get(2));
    edited.put("message", "nothing to see here");
    chain.set(2, edited);
    chains.put("BG-20221110-0001", chain);
    Report broken = report(ALL, chains);
    Document doc = Jsoup.parse(new HtmlReport().render(broken, "", false));
    Element section = doc.selectFirst("div.event[data-event=BG-20221110-0001]");
    assertThat(section.select(".broken").eachText()).anySatisfy(t -> assertThat(t).contains("EDITED"));
    assertThat(doc.selectFirst("#summary-chains").text()).contains("1 broken");
  }

  @Test
  void thePdfIsLaidOutFromTheSameDocumentWithChartsAsImages() throws Exception {
    String xhtml = new HtmlReport().render(report, "", true);
    assertThat(Jsoup.parse(xhtml).select("img[src^=data:image/png;base64,]")).hasSize(5);
    Path pdf = Files.createDirectories(Path.of("target", "report")).resolve("demo-report.pdf");
    PdfReport.write(xhtml, pdf);
    byte[] bytes = Files.readAllBytes(pdf);
    assertThat(new String(bytes, 0, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
    assertThat(bytes.length).isGreaterThan(50_000);
  }

  @Test
  void valuesAreEscaped() {
    Map<String, List<Map<String, Object>>> chains = DemoTimeline.chains(DemoTimeline.documents());
    List<Map<String, Object>> chain = chains.get("JIT-20230314-0042");
    DemoTimeline.append(chain, Instant.parse("2023-03-14T10:00:00Z"), "event", "usage", "success",
        "<script>alert(1)</script>", "{\"type\":\"usage\"}");
    String text = new HtmlReport().render(report(ALL, chains), "", false);
    assertThat(Jsoup.parse(text).select("script")).isEmpty();
    assertThat(text).contains("&lt;script&gt;");
  }
}
