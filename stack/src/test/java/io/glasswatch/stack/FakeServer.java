package io.glasswatch.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** A server whose command, readiness and availability a test chooses; counts launches. */
final class FakeServer implements Server {
  final Component component;
  final List<String> command;
  final BooleanSupplier ready;
  final Duration timeout;
  final String unavailable;
  final AtomicInteger prepared = new AtomicInteger();

  FakeServer(Component component, List<String> command, BooleanSupplier ready, Duration timeout, String unavailable) {
    this.component = component;
    this.command = command;
    this.ready = ready;
    this.timeout = timeout;
    this.unavailable = unavailable;
  }

  @Override
  public Component component() {
    return component;
  }

  @Override
  public String unavailableReason() {
    return unavailable;
  }

  @Override
  public ProcessBuilder prepare(StackLayout layout, StackSettings settings, Credentials credentials)
      throws java.io.IOException {
    prepared.incrementAndGet();
    Path dir = layout.dir(component);
    Files.createDirectories(dir);
    return new ProcessBuilder(command).directory(dir.toFile());
  }

  @Override
  public boolean ready(StackSettings settings, Credentials credentials) {
    return ready.getAsBoolean();
  }

  @Override
  public Duration startTimeout() {
    return timeout;
  }
}
