package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;

/**
 * One alert rule of stage A ({@link RequestCorrelator}), judged over one request's state after every
 * event of the request and when one of its deadlines falls due. A rule class states its rule in its
 * Javadoc; it records the decisions it takes once in {@code RequestState.decided} (or its own fields) and
 * raises through the {@link RequestContext}.
 *
 * <p>Deadlines: a rule that waits asks {@link RequestContext#due(long)} (or {@link RequestContext#ready})
 * whether its time has come; when it has not, that same call schedules the request's wake-up at that
 * time. A rule's deadline and its decision are thus one expression, and the request's next due time is
 * the earliest time any rule asked for.
 *
 * <p>Registration: {@link RequestRules} finds the rule of each catalogue type by name (class
 * {@code <AlertTypeInCamelCase>Rule} in this package implementing this interface); rules run in
 * {@link #rank()} order.
 */
interface RequestRule {
  /** The catalogue type this rule raises. */
  AlertType type();

  /** Position of the rule when several fire on one event (lower first). Unique within the stage. */
  int rank();

  /** Judges the request at stream time {@code ctx.now()}. */
  void evaluate(RequestState s, RequestContext ctx);
}
