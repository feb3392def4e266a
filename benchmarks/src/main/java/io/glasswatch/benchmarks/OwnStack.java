package io.glasswatch.benchmarks;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.stack.Component;
import io.glasswatch.stack.LocalStack;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Set;

/**
 * A benchmark's own local stack: starts the wanted components that are not running yet, runs the
 * benchmark, and stops again what it started (unless asked to keep it). Components that were running
 * before are used and left alone.
 */
final class OwnStack {
  /** The benchmark body, given the stack and its settings. */
  interface Body<T> {
    T run(LocalStack stack, GlasswatchSettings settings) throws Exception;
  }

  private OwnStack() {}

  /**
   * Runs {@code body} on the components {@code wanted} of {@code stack}.
   *
   * @param keep leave the components started here running
   * @param out where the stack's progress lines go (prefixed {@code [stack]})
   * @throws Exception what starting the stack or {@code body} throws; the components started here are
   *     stopped either way unless {@code keep}
   */
  static <T> T run(LocalStack stack, Set<Component> wanted, boolean keep, PrintStream out, Body<T> body)
      throws Exception {
    Set<Component> startedHere = EnumSet.noneOf(Component.class);
    for (Component c : wanted) {
      if (!stack.status(c).isRunning()) {
        startedHere.add(c);
      }
    }
    GlasswatchSettings settings = stack.up(wanted, line -> out.println("  [stack] " + line));
    try {
      return body.run(stack, settings);
    } finally {
      if (!keep && !startedHere.isEmpty()) {
        stack.down(startedHere, line -> out.println("  [stack] " + line));
      }
    }
  }
}
