package io.glasswatch.report;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the report as PDF: the XHTML of {@link HtmlReport} (charts as PNG images) laid out by
 * openhtmltopdf (github.com/openhtmltopdf/openhtmltopdf, PDFBox backend) in A4 landscape pages.
 */
public final class PdfReport {
  private PdfReport() {}

  /**
   * Writes the PDF.
   *
   * @param xhtml the document from {@link HtmlReport#render(Report, String, boolean)} with {@code pdf} true
   * @param file the file to write (replaced)
   * @throws UncheckedIOException when the file cannot be written or the document cannot be laid out
   */
  public static void write(String xhtml, Path file) {
    String paged = xhtml.replace("</style>", "  @page { size: A4 landscape; margin: 12mm; }\n</style>");
    try (OutputStream out = Files.newOutputStream(file)) {
      PdfRendererBuilder builder = new PdfRendererBuilder();
      builder.useFastMode();
      builder.withHtmlContent(paged, file.toAbsolutePath().getParent().toUri().toString());
      builder.toStream(out);
      builder.run();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
