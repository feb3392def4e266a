package io.glasswatch.report;

import io.glasswatch.report.EventReview.Kind;
import io.glasswatch.report.Report.AlertCount;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * The report's charts, drawn by JFreeChart (www.jfree.org/jfreechart) onto JFreeSVG's
 * {@link SVGGraphics2D}, so each chart is an {@code <svg>} element the HTML embeds inline (no file, no
 * script). For PDF output the same charts are drawn as PNG images ({@link #png}), which the PDF
 * renderer embeds as data URIs.
 *
 * <p>Every chart is built from the figures of a {@link Report}; inputs are small (one value per
 * event, alert type or revoke), so drawing does not depend on the number of timeline documents.
 */
public final class Charts {
  /** Most requests drawn in the approval-latency chart (the latest ones). */
  public static final int MAX_LATENCY_BARS = 40;

  static final Color CRITICAL = new Color(0x8E1B1B);
  static final Color HIGH = new Color(0xD9534F);
  static final Color MEDIUM = new Color(0xF0AD4E);
  static final Color LOW = new Color(0x5BC0DE);
  static final Color GOOD = new Color(0x3C8D40);
  static final Color NEUTRAL = new Color(0x6C7A89);
  static final Color ACCENT = new Color(0x2C5F8A);

  private static final List<String> TTR_BUCKETS = List.of("< 1 s", "1-5 s", "5-15 s", "15-30 s", "30-60 s", "> 60 s");

  private Charts() {}

  /**
   * One chart, rendered.
   *
   * @param id stable id (also the SVG element's id)
   * @param title caption
   * @param chart the JFreeChart
   * @param width width in pixels
   * @param height height in pixels
   */
  public record Chart(String id, String title, JFreeChart chart, int width, int height) {
    /** The chart as an inline {@code <svg>} element whose definitions carry the chart's id as prefix. */
    public String svg() {
      SVGGraphics2D g2 = new SVGGraphics2D(width, height);
      g2.setDefsKeyPrefix(id + "-");
      chart.draw(g2, new Rectangle(width, height));
      return g2.getSVGElement(id);
    }

    /** The chart as a {@code data:image/png;base64,...} URI. */
    public String png() {
      BufferedImage image = chart.createBufferedImage(width, height);
      try {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(ChartUtils.encodeAsPNG(image));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Every chart of the report, in the order the summary shows them. */
  public static List<Chart> of(Report report) {
    System.setProperty("java.awt.headless", "true");
    return List.of(eventsOverTime(report), alertsByType(report), timeToRevoke(report), rotations(report),
        approvalLatency(report));
  }

  /** Break-glass events per day, month or year of the period (by the period's length), stacked by kind. */
  static Chart eventsOverTime(Report report) {
    Instant from = report.scope().from();
    Instant to = report.scope().to();
    long days = Duration.between(from, to).toDays();
    ChronoUnit unit = days <= 62 ? ChronoUnit.DAYS : days <= 3 * 366 ? ChronoUnit.MONTHS : ChronoUnit.YEARS;
    DateTimeFormatter label = DateTimeFormatter.ofPattern(
        unit == ChronoUnit.DAYS ? "MM-dd" : unit == ChronoUnit.MONTHS ? "uuuu-MM" : "uuuu", Locale.ROOT);
    Map<String, Map<Kind, Integer>> buckets = new LinkedHashMap<>();
    for (ZonedDateTime t = truncate(from, unit); t.toInstant().isBefore(to); t = t.plus(1, unit)) {
      buckets.put(label.format(t), new LinkedHashMap<>());
    }
    for (EventReview e : report.events()) {
      if (e.start() != null && report.scope().contains(e.start())) {
        buckets.computeIfAbsent(label.format(truncate(e.start(), unit)), k -> new LinkedHashMap<>())
            .merge(e.kind(), 1, Integer::sum);
      }
    }
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Kind k : Kind.values()) {
      buckets.forEach((b, counts) -> data.addValue(counts.getOrDefault(k, 0), k.label(), b));
    }
    CategoryPlot plot = stacked(data, PlotOrientation.VERTICAL, "events per " + unit.toString().toLowerCase(Locale.ROOT)
        .replaceAll("s$", ""), List.of(HIGH, ACCENT, MEDIUM, NEUTRAL));
    if (buckets.size() > 12) {
      plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    return new Chart("chart-events-over-time", "Break-glass events over time", styled(plot), 640, 300);
  }

  /** Alerts of the period per type, stacked by severity. */
  static Chart alertsByType(Report report) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    List<String> severities = List.of("critical", "high", "medium", "low");
    List<String> types = report.summary().alertsByType().stream().map(AlertCount::type).distinct().toList();
    for (String s : severities) {
      for (String t : types) {
        data.addValue(0, s, t);
      }
    }
    for (AlertCount c : report.summary().alertsByType()) {
      data.addValue(c.count(), severities.contains(c.severity()) ? c.severity() : "low", c.type());
    }
    if (types.isEmpty()) {
      data.addValue(0, "high", "(no alerts)");
    }
    CategoryPlot plot = stacked(data, PlotOrientation.HORIZONTAL, "alerts", List.of(CRITICAL, HIGH, MEDIUM, LOW));
    return new Chart("chart-alerts-by-type", "Alerts by type and severity", styled(plot), 640,
        Math.max(220, 60 + 22 * Math.max(1, types.size())));
  }

  /** Confirmed revokes per time-to-revoke bucket (the revoke deadline is 60 s by default). */
  static Chart timeToRevoke(Report report) {
    int[] counts = new int[TTR_BUCKETS.size()];
    for (Duration d : report.summary().revokes().timesToRevoke()) {
      long ms = d.toMillis();
      int i = ms < 1000 ? 0 : ms < 5000 ? 1 : ms < 15000 ? 2 : ms < 30000 ? 3 : ms <= 60000 ? 4 : 5;
      counts[i]++;
    }
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (int i = 0; i < counts.length; i++) {
      data.addValue(counts[i], "revokes", TTR_BUCKETS.get(i));
    }
    CategoryPlot plot = stacked(data, PlotOrientation.VERTICAL, "revokes", List.of(ACCENT));
    return new Chart("chart-time-to-revoke", "Time to revoke", styled(plot), 420, 260);
  }

  /** Rotation obligations of the period's events by outcome. */
  static Chart rotations(Report report) {
    Report.Rotations r = report.summary().rotations();
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    data.addValue(r.onTime(), "rotations", "on time");
    data.addValue(r.late(), "rotations", "late");
    data.addValue(r.missing(), "rotations", "missing");
    data.addValue(r.open(), "rotations", "open");
    CategoryPlot plot = stacked(data, PlotOrientation.VERTICAL, "rotations", List.of(GOOD));
    BarRenderer renderer = new BarRenderer() {
      private final Color[] colors = {GOOD, MEDIUM, CRITICAL, NEUTRAL};

      @Override
      public java.awt.Paint getItemPaint(int row, int column) {
        return colors[column % colors.length];
      }
    };
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    plot.setRenderer(renderer);
    return new Chart("chart-rotations", "Rotation compliance", styled(plot), 420, 260);
  }

  /** Per request (the latest {@link #MAX_LATENCY_BARS}): minutes from request to the required approvals, and on to the grant. */
  static Chart approvalLatency(Report report) {
    List<EventReview> requests = new ArrayList<>();
    for (EventReview e : report.events()) {
      if (e.requestedAt() != null && (e.approvedAt() != null || e.grantedAt() != null)) {
        requests.add(e);
      }
    }
    List<EventReview> shown = requests.subList(Math.max(0, requests.size() - MAX_LATENCY_BARS), requests.size());
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (EventReview e : shown) {
      Instant approved = e.approvedAt() != null ? e.approvedAt() : e.requestedAt();
      double toApprovals = minutes(e.requestedAt(), approved);
      double toGrant = e.grantedAt() == null ? 0 : minutes(approved, e.grantedAt());
      data.addValue(toApprovals, "request to required approvals", e.correlationId());
      data.addValue(toGrant, "approvals to grant", e.correlationId());
    }
    if (shown.isEmpty()) {
      data.addValue(0, "request to required approvals", "(no requests)");
    }
    CategoryPlot plot = stacked(data, PlotOrientation.HORIZONTAL, "minutes", List.of(ACCENT, MEDIUM));
    return new Chart("chart-approval-latency", "Approval latency (request, required approvals, grant)",
        styled(plot), 640, Math.max(220, 70 + 20 * Math.max(1, shown.size())));
  }

  private static double minutes(Instant a, Instant b) {
    return Math.max(0, Duration.between(a, b).toMillis() / 60000.0);
  }

  private static CategoryPlot stacked(DefaultCategoryDataset data, PlotOrientation orientation, String valueLabel,
      List<Color> colors) {
    StackedBarRenderer renderer = new StackedBarRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setDrawBarOutline(false);
    for (int i = 0; i < colors.size(); i++) {
      renderer.setSeriesPaint(i, colors.get(i));
    }
    NumberAxis values = new NumberAxis(valueLabel);
    values.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    CategoryAxis categories = new CategoryAxis();
    categories.setMaximumCategoryLabelWidthRatio(orientation == PlotOrientation.HORIZONTAL ? 0.45f : 1f);
    CategoryPlot plot = new CategoryPlot(data, categories, values, renderer);
    plot.setOrientation(orientation);
    return plot;
  }

  private static JFreeChart styled(CategoryPlot plot) {
    Font font = new Font("SansSerif", Font.PLAIN, 11);
    plot.getDomainAxis().setTickLabelFont(font);
    plot.getRangeAxis().setTickLabelFont(font);
    plot.getRangeAxis().setLabelFont(font);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xDDDDDD));
    plot.setRangeGridlineStroke(new BasicStroke(0.5f));
    plot.setOutlineVisible(false);
    JFreeChart chart = new JFreeChart(null, font, plot, plot.getDataset().getRowCount() > 1);
    chart.setBackgroundPaint(Color.WHITE);
    if (chart.getLegend() != null) {
      chart.getLegend().setItemFont(font);
      chart.getLegend().setFrame(org.jfree.chart.block.BlockBorder.NONE);
    }
    chart.setPadding(new org.jfree.chart.ui.RectangleInsets(4, 4, 4, 4));
    chart.setTitle((TextTitle) null);
    return chart;
  }

  private static ZonedDateTime truncate(Instant at, ChronoUnit unit) {
    ZonedDateTime t = at.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
    return switch (unit) {
      case MONTHS -> t.withDayOfMonth(1);
      case YEARS -> t.withDayOfYear(1);
      default -> t;
    };
  }
}
