package io.glasswatch.cli;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code glasswatch} command. Every sub-command is a class of this package;
 * exit status 0 means success, 1 a failure, 2 unreadable input or invalid usage/configuration.
 */
@Command(
    name = "glasswatch",
    mixinStandardHelpOptions = true,
    versionProvider = GlasswatchCli.Version.class,
    description = "Audit and enforcement pipeline for break-glass access.",
    subcommands = {
      StackCommand.class,
      ReplayCommand.class,
      DemoCommand.class,
      ProduceCommand.class,
      ServeCommand.class,
      TimelineCommand.class,
      VerifyCommand.class,
      EvidenceCommand.class,
      KibanaCommand.class,
      IngestCommand.class,
      RevokeCommand.class,
      io.glasswatch.report.ReportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class GlasswatchCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Prints usage when no sub-command is given. */
  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    // Libraries that log through java.util.logging (the registry client's Vert.x) follow log4j2.xml.
    System.setProperty("java.util.logging.manager", "org.apache.logging.log4j.jul.LogManager");
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit status (for tests). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new GlasswatchCli());
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof ConfigException ce) {
        cmd.getErr().println("glasswatch: " + ce.getMessage());
        return 2;
      }
      cmd.getErr().println("glasswatch: " + ex.getMessage());
      if (System.getenv("GLASSWATCH_DEBUG") != null) {
        ex.printStackTrace(cmd.getErr());
      } else {
        cmd.getErr().println("(set GLASSWATCH_DEBUG=1 for the stack trace)");
      }
      return 1;
    });
    return cl.execute(args);
  }

  /**
   * Runs one command in this process against {@code settings} (each passed as {@code --set key=value}
   * after {@code args}), with {@code System.out} and {@code System.err} sent to {@code out} and
   * {@code err} for the call. The demo uses it to show commands as a user would type them; tests use it
   * to run commands against their own stack.
   *
   * @param args the command and its arguments, e.g. {@code revoke REQUEST_ID --reason TEXT}
   * @return the command's exit status
   */
  public static synchronized int execute(GlasswatchSettings settings, PrintStream out, PrintStream err,
      String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    settings.asMap().forEach((k, v) -> all.addAll(List.of("--set", k + "=" + v)));
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(out);
    System.setErr(err);
    try {
      return execute(all.toArray(String[]::new));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** The version of the CLI jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = GlasswatchCli.class.getPackage().getImplementationVersion();
      return new String[] {"glasswatch " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
