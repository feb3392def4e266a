package io.glasswatch.cli;

import io.glasswatch.stack.Component;
import io.glasswatch.stack.ComponentStatus;
import io.glasswatch.stack.LocalStack;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code glasswatch stack up|down|status}: the embedded local stack (Kafka in KRaft mode, Apicurio
 * Registry, Elasticsearch with security on, and moto for the SSO Admin API) on 127.0.0.1, with all
 * data under the stack directory ({@code stack.dir}, default {@code .glasswatch/stack}).
 */
@Command(name = "stack", description = "Start, stop or inspect the local Kafka, registry, Elasticsearch and moto servers.",
    subcommands = {StackCommand.Up.class, StackCommand.Down.class, StackCommand.Status.class})
public final class StackCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code stack up}: starts what is not running, reuses what is. */
  @Command(name = "up", description = "Start the local stack (reuses servers that already run).")
  static final class Up implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Option(names = "--components", split = ",", paramLabel = "NAME",
        description = "Components to start (default all): ${COMPLETION-CANDIDATES}")
    Set<Component> components = EnumSet.allOf(Component.class);

    @Override
    public Integer call() {
      long t0 = System.nanoTime();
      LocalStack stack = new LocalStack(config.settings());
      stack.up(components, System.out::println);
      System.out.printf("stack up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      printStatus(stack.status());
      return 0;
    }
  }

  /** {@code stack down}: stops only the servers this stack started. */
  @Command(name = "down", description = "Stop the servers the local stack started.")
  static final class Down implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Override
    public Integer call() {
      new LocalStack(config.settings()).down(System.out::println);
      return 0;
    }
  }

  /** {@code stack status}: one line per component. */
  @Command(name = "status", description = "Show each local server's state, address and process.")
  static final class Status implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Override
    public Integer call() {
      printStatus(new LocalStack(config.settings()).status());
      return 0;
    }
  }

  static void printStatus(List<ComponentStatus> status) {
    System.out.printf("%-14s %-17s %-24s %-8s %s%n", "COMPONENT", "STATE", "ADDRESS", "PID", "DETAIL");
    for (ComponentStatus s : status) {
      System.out.printf("%-14s %-17s %-24s %-8s %s%n", s.component().name().toLowerCase(),
          s.state(), s.address() == null ? "-" : s.address(), s.pid() == null ? "-" : s.pid(),
          s.detail() == null ? "" : s.detail());
    }
  }
}
