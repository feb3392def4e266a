package io.glasswatch.stack;

/**
 * What {@link LocalStack#status()} found for one component.
 *
 * @param component the server
 * @param state whether it runs and who started it
 * @param address {@code 127.0.0.1:<port>} it listens on (or would listen on)
 * @param pid process id when {@link State#RUNNING_OWNED}, otherwise {@code null}
 * @param detail one line for a human: start duration and memory (resident set size of the server's
 *     process tree, current and peak, in MiB) when running, the reason otherwise; never a secret
 */
public record ComponentStatus(Component component, State state, String address, Long pid, String detail) {

  /** Whether a component runs and who started it. */
  public enum State {
    /** Started by this stack: its pid file is present and names a live process. */
    RUNNING_OWNED,
    /** The port answers but no live process of this stack owns it; the stack never stops it. */
    RUNNING_EXTERNAL,
    /** Not running (a stale pid file, whose process is gone, also counts as stopped). */
    STOPPED,
    /** Cannot run on this machine, e.g. {@code moto_server} is not installed. */
    UNAVAILABLE
  }

  /** Whether the component answers on its address, whoever started it. */
  public boolean isRunning() {
    return state == State.RUNNING_OWNED || state == State.RUNNING_EXTERNAL;
  }
}
