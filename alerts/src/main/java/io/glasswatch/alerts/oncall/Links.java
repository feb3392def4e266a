package io.glasswatch.alerts.oncall;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Builds the two links every notice carries: the correlation's timeline in Kibana and the runbook.
 *
 * <p>The Kibana template is a URL with the placeholders {@code {correlationId}} and
 * {@code {requestId}}, replaced by the URL-encoded values (an absent request id becomes empty),
 * e.g. {@code http://kibana:5601/app/dashboards#/view/glasswatch-request?_g=(filters:!())&_a=(query:(language:kuery,query:'glasswatch.correlation_id:"{correlationId}"'))}.
 * A runbook reference of an alert ({@code docs/runbooks.md#token-reuse}) is resolved against the
 * runbook base URL; an absolute {@code http(s)} reference is kept.
 *
 * @param kibanaTimelineTemplate URL template, or blank for no timeline link
 * @param runbookBase base URL runbook references are resolved against, or blank to keep them as they are
 */
public record Links(String kibanaTimelineTemplate, String runbookBase) {

  /** No links beyond the alert's own runbook reference. */
  public static final Links NONE = new Links("", "");

  /** Normalises null to blank. */
  public Links {
    kibanaTimelineTemplate = kibanaTimelineTemplate == null ? "" : kibanaTimelineTemplate.strip();
    runbookBase = runbookBase == null ? "" : runbookBase.strip();
  }

  /**
   * The timeline link of a correlation.
   *
   * @param correlationId correlation id, may be null
   * @param requestId request id, may be null
   * @return the link, or null when there is no template or no correlation id
   */
  public String timeline(String correlationId, String requestId) {
    if (kibanaTimelineTemplate.isEmpty() || correlationId == null) {
      return null;
    }
    return kibanaTimelineTemplate.replace("{correlationId}", enc(correlationId))
        .replace("{requestId}", enc(requestId == null ? "" : requestId));
  }

  /**
   * The absolute runbook link.
   *
   * @param reference the alert's {@code runbook} value, e.g. {@code docs/runbooks.md#token-reuse}
   * @return an absolute URL when a base is configured or the reference is absolute; else the
   *     reference itself; null for a blank reference
   */
  public String runbook(String reference) {
    if (reference == null || reference.isBlank()) {
      return null;
    }
    if (reference.startsWith("http://") || reference.startsWith("https://") || runbookBase.isEmpty()) {
      return reference;
    }
    String base = runbookBase.endsWith("/") ? runbookBase : runbookBase + "/";
    return URI.create(base).resolve(reference.startsWith("/") ? reference.substring(1) : reference).toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
