package io.glasswatch.alerts.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Captures every log event (message, and stack trace when present) while open. */
public final class LogCapture implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final AbstractAppender appender;
  private final LoggerContext context;

  /** Starts capturing on the root logger. */
  public LogCapture() {
    context = (LoggerContext) LogManager.getContext(false);
    appender = new AbstractAppender("capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        StringBuilder b = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " "
            + event.getMessage().getFormattedMessage());
        if (event.getThrown() != null) {
          StringWriter w = new StringWriter();
          event.getThrown().printStackTrace(new PrintWriter(w));
          b.append('\n').append(w);
        }
        lines.add(b.toString());
      }
    };
    appender.start();
    context.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
    context.updateLoggers();
  }

  /** @return captured lines so far */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** @return all captured text joined by newlines */
  public String text() {
    return String.join("\n", lines);
  }

  @Override
  public void close() {
    context.getConfiguration().getRootLogger().removeAppender(appender.getName());
    context.updateLoggers();
    appender.stop();
  }
}
