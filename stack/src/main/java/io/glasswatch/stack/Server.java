package io.glasswatch.stack;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** How to configure, launch and probe one kind of server. Implementations are stateless. */
interface Server {

  /** The component this server is. */
  Component component();

  /** Null when the server can run on this machine, else the reason it cannot (for UNAVAILABLE). */
  default String unavailableReason() {
    return null;
  }

  /** Extra ports the server binds besides its main port, with their role (checked free before launch). */
  default List<Port> extraPorts(StackSettings settings) {
    return List.of();
  }

  /**
   * Writes the server's configuration under its component directory (and does any one-time setup
   * such as unpacking or formatting storage), and returns the command that runs it in the
   * foreground. Standard output and error are redirected by the caller.
   */
  ProcessBuilder prepare(StackLayout layout, StackSettings settings, Credentials credentials) throws IOException;

  /** Whether the server answers and is ready for use (a single quick probe). */
  boolean ready(StackSettings settings, Credentials credentials);

  /** Upper bound for launch-to-ready. */
  Duration startTimeout();

  /** One additional TCP port, e.g. Kafka's controller listener. */
  record Port(int port, String role) {}
}
