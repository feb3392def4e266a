package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * DENIED_ATTEMPTS (SPEC section 3): the request's denied usages in event-time order; a denial whose
 * window {@code (t - deniedWindow, t]} holds at least {@code deniedThreshold} denials starts a burst
 * unless the previous denial's window already did; a window below the threshold re-arms. One alert per
 * burst, defined by the denials in the window of the denial that reached the threshold, when ready (see
 * {@link RequestRules}; the alert id makes it once).
 */
final class DeniedAttemptsRule implements RequestRule {
  @Override
  public AlertType type() {
    return AlertType.DENIED_ATTEMPTS;
  }

  @Override
  public int rank() {
    return 100;
  }

  @Override
  public void evaluate(RequestState s, RequestContext ctx) {
    Policy p = ctx.policy();
    List<RequestState.Usage> denials = s.usages.stream().filter(RequestState.Usage::denied)
        .sorted(Comparator.comparingLong((RequestState.Usage u) -> u.at)).toList();
    long window = p.deniedWindow().toMillis();
    boolean armed = true;
    int start = 0;
    for (int i = 0; i < denials.size(); i++) {
      RequestState.Usage d = denials.get(i);
      while (denials.get(start).at <= d.at - window) {
        start++;
      }
      List<RequestState.Usage> inWindow = denials.subList(start, i + 1);
      if (inWindow.size() < p.deniedThreshold()) {
        armed = true;
        continue;
      }
      if (!armed) {
        continue;
      }
      armed = false;
      if (!ctx.ready(d.at)) {
        continue;
      }
      ctx.raise(AlertBuilder.of(p, AlertType.DENIED_ATTEMPTS)
          .defining(inWindow.stream().map(u -> u.eventId).toArray(String[]::new))
          .eventTime(d.at)
          .summary(String.format("%d usages of request %s were denied within %s (%s to %s).", inWindow.size(),
              s.requestId, RequestRules.human(window), Instant.ofEpochMilli(inWindow.get(0).at),
              Instant.ofEpochMilli(d.at))));
    }
  }
}
