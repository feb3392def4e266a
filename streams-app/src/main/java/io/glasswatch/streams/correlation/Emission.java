package io.glasswatch.streams.correlation;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeOrder;
import io.glasswatch.schema.TimelineEntry;

/**
 * One output of a correlator; the topology splits them by kind into named branches. Record keys are
 * set by the correlator: correlation id for timeline entries and alerts, command id for revoke
 * commands, account id for grant facts and lifecycle steps, normalized subject for requests sent to
 * the subject stage.
 */
public sealed interface Emission {
  /** An unchained timeline entry (stage C chains it). */
  record Timeline(TimelineEntry entry) implements Emission {}

  /**
   * A timeline entry chained already, ready for the timeline topic: stage B chains the entries of
   * {@code account:<id>} correlations itself, since it is keyed by account.
   */
  record Chained(TimelineEntry entry) implements Emission {}

  /** An alert. */
  record Raised(Alert alert) implements Emission {}

  /** The decision that an alert no longer stands, for {@code alert-resolutions} (stage B). */
  record Resolved(AlertResolution resolution) implements Emission {}

  /**
   * A revoke command; from stage A, possibly with the alert that caused it ({@code alert} not null),
   * which stage B completes with the overlapping grants and publishes.
   */
  record Revoke(RevokeCommand command, Alert alert) implements Emission {
    /** A command alone. */
    public Revoke(RevokeCommand command) {
      this(command, null);
    }
  }

  /** A grant fact for stage B. */
  record Fact(GrantFact fact) implements Emission {}

  /** A lifecycle step of a request, for stage B. */
  record Lifecycle(LifecycleFact fact) implements Emission {}

  /** A request for the subject stage (keyed by {@link SubjectRequest#keyOf the normalized subject}). */
  record Requester(SubjectRequest request) implements Emission {}

  /** The request of a {@link Requester} emission. */
  static SubjectRequest requester(Emission e) {
    return ((Requester) e).request();
  }

  /** The timeline entry of a {@link Timeline} emission. */
  static TimelineEntry timeline(Emission e) {
    return ((Timeline) e).entry();
  }

  /** The timeline entry of a {@link Chained} emission. */
  static TimelineEntry chained(Emission e) {
    return ((Chained) e).entry();
  }

  /** The alert of a {@link Raised} emission. */
  static Alert alert(Emission e) {
    return ((Raised) e).alert();
  }

  /** The resolution of a {@link Resolved} emission. */
  static AlertResolution resolution(Emission e) {
    return ((Resolved) e).resolution();
  }

  /** The command of a {@link Revoke} emission. */
  static RevokeCommand revoke(Emission e) {
    return ((Revoke) e).command();
  }

  /** The command of a {@link Revoke} emission with the alert it carries, for stage B. */
  static RevokeOrder order(Emission e) {
    Revoke r = (Revoke) e;
    return RevokeOrder.newBuilder().setCommand(r.command()).setAlert(r.alert()).build();
  }

  /** The lifecycle step of a {@link Lifecycle} emission. */
  static LifecycleFact lifecycle(Emission e) {
    return ((Lifecycle) e).fact();
  }

  /** The fact of a {@link Fact} emission. */
  static GrantFact fact(Emission e) {
    return ((Fact) e).fact();
  }
}
