package io.glasswatch.streams.correlation;

import java.util.Locale;

/**
 * One break-glass request as the subject stage sees it: stage A sends it, keyed by
 * {@link #keyOf(String) the normalized subject}, when it first sees a request's {@code request} event
 * (JSON on the internal topic {@code requests-by-subject}). Times are epoch milliseconds UTC, event time.
 *
 * @param requestId the request
 * @param subject who asked, as the request gave it
 * @param accountId the request's AWS account, or null
 * @param tenant the request's tenant, or null
 * @param eventId gateway event id of the request event, {@code <requestId>/request/<n>}
 * @param at event time of the request event
 */
public record SubjectRequest(String requestId, String subject, String accountId, String tenant, String eventId,
    long at) {

  /**
   * The record key of a subject: trimmed and lower-cased (ROOT locale), so that {@code Alice@Example.com }
   * and {@code alice@example.com} are one requester.
   *
   * @throws IllegalArgumentException for a null or blank subject
   */
  public static String keyOf(String subject) {
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("a subject key needs a non-blank subject");
    }
    return subject.trim().toLowerCase(Locale.ROOT);
  }
}
