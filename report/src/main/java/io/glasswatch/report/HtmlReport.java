package io.glasswatch.report;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link Report} as one self-contained XHTML document with the Pebble template
 * {@code io/glasswatch/report/report.peb} (pebbletemplates.io): styles inline, charts as inline
 * {@code <svg>} ({@link Charts}), no script, no external resource, so the file opens anywhere and can be
 * archived as it is. The markup is well-formed XML so that {@link PdfReport} can lay it out unchanged
 * (with the charts as PNG images, since the PDF renderer does not draw SVG). Every value is
 * HTML-escaped by Pebble's auto-escaping. Thread-safe.
 */
public final class HtmlReport {
  /** Class-path location of the template. */
  public static final String TEMPLATE = "io/glasswatch/report/report.peb";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final PebbleTemplate template;

  /** Compiles the template. */
  public HtmlReport() {
    ClasspathLoader loader = new ClasspathLoader(HtmlReport.class.getClassLoader());
    PebbleEngine engine = new PebbleEngine.Builder().loader(loader).autoEscaping(true).strictVariables(false)
        .newLineTrimming(true).build();
    this.template = engine.getTemplate(TEMPLATE);
  }

  /**
   * The document.
   *
   * @param report the report
   * @param evidenceBase where the evidence bundles are, relative to the report or absolute (each
   *     event links to {@code <evidenceBase><file name>.zip}, the archive {@code glasswatch evidence}
   *     writes)
   * @param pdf whether the charts are embedded as PNG images (for {@link PdfReport}) instead of SVG
   * @return the XHTML text
   */
  public String render(Report report, String evidenceBase, boolean pdf) {
    return render(report, evidenceBase, pdf, line -> { });
  }

  /**
   * The document, telling {@code progress} how long the charts and the template took (one line).
   *
   * @param report the report
   * @param evidenceBase see {@link #render(Report, String, boolean)}
   * @param pdf see {@link #render(Report, String, boolean)}
   * @param progress receives one line with the drawing and templating times
   * @return the XHTML text
   */
  public String render(Report report, String evidenceBase, boolean pdf, java.util.function.Consumer<String> progress) {
    long t0 = System.nanoTime();
    List<Charts.Chart> charts = Charts.of(report);
    Map<String, Object> ctx = new HashMap<>();
    ctx.put("r", report);
    ctx.put("s", report.summary());
    ctx.put("charts", charts.stream().map(c -> new RenderedChart(c.id(), c.title(), c.width(), c.height(),
        pdf ? null : c.svg(), pdf ? c.png() : null)).toList());
    long t1 = System.nanoTime();
    ctx.put("fmt", new Format(evidenceBase));
    ctx.put("questions", EventReviewer.QUESTIONS);
    ctx.put("pdf", pdf);
    StringWriter out = new StringWriter(64 * 1024);
    try {
      template.evaluate(out, ctx, Locale.ROOT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    progress.accept(String.format(Locale.ROOT, "%d charts drawn in %.2f s, %d events templated in %.2f s (%d KiB)",
        charts.size(), (t1 - t0) / 1e9, report.events().size(), (System.nanoTime() - t1) / 1e9, out.getBuffer().length() >> 10));
    return out.toString();
  }

  /**
   * A chart as the template shows it.
   *
   * @param id element id
   * @param title caption
   * @param width pixels
   * @param height pixels
   * @param svg inline SVG, or null in PDF mode
   * @param png PNG data URI, or null in HTML mode
   */
  public record RenderedChart(String id, String title, int width, int height, String svg, String png) {}

  /** Formatting helpers the template calls ({@code fmt.time(x)} ...). */
  public static final class Format {
    private final String evidenceBase;

    Format(String evidenceBase) {
      this.evidenceBase = evidenceBase;
    }

    /** {@code 2025-03-01 10:15:30 UTC}, or a dash for null. */
    public String time(Instant at) {
      return at == null ? "-" : TIME.format(at);
    }

    /** {@code 2025-03-01}, or a dash for null. */
    public String day(Instant at) {
      return at == null ? "-" : DAY.format(at);
    }

    /** A duration as {@code 850 ms}, {@code 12.4 s}, {@code 7 min} or {@code 3 h 5 min}; a dash for null. */
    public String duration(Duration d) {
      if (d == null) {
        return "-";
      }
      long ms = d.toMillis();
      if (ms < 1000) {
        return ms + " ms";
      }
      if (ms < 60_000) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
      }
      long min = d.toMinutes();
      return min < 60 ? min + " min" : (min / 60) + " h" + (min % 60 == 0 ? "" : " " + (min % 60) + " min");
    }

    /** The duration from {@code a} to {@code b}, or a dash when either is null. */
    public String between(Instant a, Instant b) {
      return a == null || b == null ? "-" : duration(Duration.between(a, b).abs());
    }

    /** The HTML id of an event's section. */
    public String anchor(String correlationId) {
      return "event-" + correlationId.replaceAll("[^A-Za-z0-9_-]", "-");
    }

    /** The file name of an event's evidence bundle. */
    public String bundle(String correlationId) {
      return correlationId.replaceAll("[^A-Za-z0-9_.-]", "-") + ".zip";
    }

    /** The link to an event's evidence bundle. */
    public String bundleLink(String correlationId) {
      return evidenceBase + bundle(correlationId);
    }

    /** A CSS class for a verdict, rotation status or severity value. */
    public String css(Object value) {
      return value == null ? "" : value.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
  }
}
