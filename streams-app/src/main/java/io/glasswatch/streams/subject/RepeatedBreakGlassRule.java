package io.glasswatch.streams.subject;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.correlation.SubjectRequest;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * REPEATED_BREAK_GLASS (SPEC section 3): when a request arrives, its count is the number of the
 * subject's requests in {@code (t - repeatWindow, t]}, {@code t} its event time, with the policy of the
 * arriving request ({@code policy.resolve(accountId, tenant)}). A count above {@code repeatThreshold}
 * raises one alert on that request (correlation id and request id: the request that crossed the
 * threshold; evidence and defining ids: the counted requests' gateway event ids in event-time order) and
 * none again for the subject until a request arrives whose count is back at or below the threshold.
 * Entries at or before {@code latest - repeatWindow} are dropped on every update; a request that old
 * when it arrives is ignored.
 */
final class RepeatedBreakGlassRule implements SubjectRule {
  @Override
  public AlertType type() {
    return AlertType.REPEATED_BREAK_GLASS;
  }

  @Override
  public int rank() {
    return 10;
  }

  @Override
  public boolean onRequest(SubjectState s, SubjectRequest r, SubjectContext ctx) {
    Policy p = ctx.policy(r.accountId(), r.tenant());
    long window = p.repeatWindow().toMillis();
    if (s.latestAt != Long.MIN_VALUE && r.at() <= s.latestAt - window) {
      return false;
    }
    s.latestAt = Math.max(s.latestAt, r.at());
    s.windowMs = window;
    s.entries.add(new SubjectState.Entry(r.requestId(), r.eventId(), r.at()));
    s.entries.sort(Comparator.comparingLong(SubjectState.Entry::at));
    long cutoff = s.latestAt - window;
    s.entries.removeIf(e -> e.at() <= cutoff);
    List<SubjectState.Entry> counted = s.entries.stream()
        .filter(e -> e.at() > r.at() - window && e.at() <= r.at()).toList();
    if (counted.size() <= p.repeatThreshold()) {
      s.alerted = false;
    } else if (!s.alerted) {
      s.alerted = true;
      ctx.raise(AlertBuilder.of(p, AlertType.REPEATED_BREAK_GLASS)
          .correlationId(r.requestId()).requestId(r.requestId()).accountId(r.accountId()).subject(s.subject)
          .defining(counted.stream().map(SubjectState.Entry::eventId).toArray(String[]::new))
          .eventTime(r.at()).detectedAt(ctx.now())
          .summary(String.format("%s made %d break-glass requests within %s (at most %d allowed), the latest %s at %s.",
              s.subject, counted.size(), days(p.repeatWindow()), p.repeatThreshold(), r.requestId(),
              Instant.ofEpochMilli(r.at()))));
    }
    return true;
  }

  private static String days(Duration d) {
    return d.toHours() % 24 == 0 && d.toDays() > 0 ? d.toDays() + (d.toDays() == 1 ? " day" : " days")
        : d.toString();
  }
}
