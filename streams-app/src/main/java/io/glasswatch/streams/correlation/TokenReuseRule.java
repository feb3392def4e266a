package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.timeline.TimelineDrafts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TOKEN_REUSE (SPEC section 3): a second usage (any outcome) of a single-use token ({@code singleUse}
 * absent means true; a token whose grant is not seen yet counts as single-use). Once per token; defined
 * by the first two usages in event time. Revokes at once, also before a grant is seen (the command then
 * has no assignment, so that the executor reports it).
 */
final class TokenReuseRule implements RequestRule {
  @Override
  public AlertType type() {
    return AlertType.TOKEN_REUSE;
  }

  @Override
  public int rank() {
    return 10;
  }

  @Override
  public void evaluate(RequestState s, RequestContext ctx) {
    Map<String, List<RequestState.Usage>> byToken = new LinkedHashMap<>();
    for (RequestState.Usage u : s.usages) {
      if (u.tokenFingerprint != null) {
        byToken.computeIfAbsent(u.tokenFingerprint, k -> new ArrayList<>()).add(u);
      }
    }
    for (Map.Entry<String, List<RequestState.Usage>> e : byToken.entrySet()) {
      String token = e.getKey();
      List<RequestState.Usage> uses = e.getValue();
      if (uses.size() < 2 || s.reusedTokens.contains(token) || !s.singleUse(token)) {
        continue;
      }
      List<RequestState.Usage> ordered = new ArrayList<>(uses);
      ordered.sort(Comparator.comparingLong((RequestState.Usage u) -> u.at));
      RequestState.Usage first = ordered.get(0);
      RequestState.Usage second = ordered.get(1);
      s.reusedTokens.add(token);
      ctx.raiseRevokingAtOnce(AlertBuilder.of(ctx.policy(), AlertType.TOKEN_REUSE)
          .defining(first.eventId, second.eventId)
          .eventTime(second.at)
          .summary(String.format("Single-use token %s of request %s was used again at %s (%s) after its first use at %s.",
              TimelineDrafts.shortFingerprint(token), s.requestId, Instant.ofEpochMilli(second.at), second.outcome,
              Instant.ofEpochMilli(first.at))));
    }
  }
}
