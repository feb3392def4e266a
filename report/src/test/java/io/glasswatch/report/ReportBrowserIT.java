package io.glasswatch.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The demo report opened in a real headless Chromium (DevTools protocol): every chart renders as a
 * non-empty SVG box with drawn content, the page logs no error, and a screenshot is kept as the
 * test's artifact ({@code report/target/report/demo-report.png}).
 */
class ReportBrowserIT {
  /** Per {@code <svg>}: id, rendered box, drawn bounding box and number of shapes. */
  static final String SVG_BOXES = """
      Array.from(document.querySelectorAll('svg')).map(s => {
        const r = s.getBoundingClientRect(); const b = s.getBBox();
        return {id: s.id, width: r.width, height: r.height, drawnWidth: b.width, drawnHeight: b.height,
                shapes: s.querySelectorAll('rect, path, line, text').length};
      })""";

  @Test
  void everyChartRendersInChromiumWithoutConsoleErrorsAndTheScreenshotIsKept() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "report"));
    Path html = dir.resolve("demo-report.html");
    Files.writeString(html, new HtmlReport().render(ReportRenderTest.demoReport(ReportRenderTest.ALL), "", false));
    try (HeadlessChromium chromium = new HeadlessChromium(1400, 1000)) {
      chromium.open(html);
      JsonNode boxes = chromium.evaluate(SVG_BOXES);
      assertThat(boxes.size()).isEqualTo(5);
      for (JsonNode box : boxes) {
        assertThat(box.get("width").asDouble()).as(box.toString()).isGreaterThan(300);
        assertThat(box.get("height").asDouble()).as(box.toString()).isGreaterThan(200);
        assertThat(box.get("drawnWidth").asDouble()).as(box.toString()).isGreaterThan(300);
        assertThat(box.get("drawnHeight").asDouble()).as(box.toString()).isGreaterThan(200);
        assertThat(box.get("shapes").asInt()).as(box.toString()).isGreaterThan(10);
      }
      assertThat(chromium.evaluate("document.querySelectorAll('div.event').length").asInt()).isEqualTo(25);
      byte[] png = chromium.screenshot(1400, 2300);
      Files.write(dir.resolve("demo-report.png"), png);
      byte[] full = chromium.screenshot(1400, 16000);
      Files.write(dir.resolve("demo-report-full.png"), full);
      assertThat(png).startsWith(0x89, 'P', 'N', 'G');
      assertThat(png.length).isGreaterThan(50_000);
      assertThat(chromium.errors()).isEmpty();
    }
  }

  @Test
  void anEmptyChartAndAScriptErrorAreCaught() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "report"));
    Path html = dir.resolve("broken-page.html");
    Files.writeString(html, """
        <!DOCTYPE html><html><body>
        <svg id="empty" xmlns="http://www.w3.org/2000/svg" width="0" height="0"></svg>
        <script>console.error("chart failed"); undefinedFunction();</script>
        </body></html>""");
    try (HeadlessChromium chromium = new HeadlessChromium(800, 600)) {
      chromium.open(html);
      JsonNode boxes = chromium.evaluate(SVG_BOXES);
      assertThat(boxes.get(0).get("width").asDouble()).isZero();
      assertThat(boxes.get(0).get("shapes").asInt()).isZero();
      assertThat(chromium.errors()).hasSize(2)
          .anySatisfy(e -> assertThat(e).contains("chart failed"))
          .anySatisfy(e -> assertThat(e).contains("undefinedFunction"));
    }
  }
}
