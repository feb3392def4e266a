package io.glasswatch.streams.subject;

import java.util.ArrayList;
import java.util.List;

/**
 * The subject stage's state of one requester (store {@code subject-state}, JSON): their requests within
 * the repeat window and whether the current run above the threshold was alerted. Times are epoch
 * milliseconds, event time. Mutable; owned by one {@link SubjectCorrelator} task.
 */
final class SubjectState {
  /**
   * One request of the subject.
   *
   * @param requestId the request
   * @param eventId gateway event id of its request event
   * @param at its event time
   */
  record Entry(String requestId, String eventId, long at) {}

  /** The subject as the first request gave it. */
  String subject;
  /** Requests within the window, in event-time order. */
  List<Entry> entries = new ArrayList<>();
  /** Latest request event time seen. */
  long latestAt = Long.MIN_VALUE;
  /** Repeat window of the latest judgement, milliseconds (decides when the whole state may go). */
  long windowMs;
  /** Whether the count went above the threshold and was alerted, and has not dropped back since. */
  boolean alerted;

  SubjectState() {}

  SubjectState(String subject) {
    this.subject = subject;
  }
}
