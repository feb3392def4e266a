package io.glasswatch.config;

import java.util.List;

/** Invalid configuration: carries every problem found, each naming its key and the expected form. */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  /** @param problems one line per problem, e.g. "kafka.bootstrap.servers: expected host:port[,host:port]" */
  public ConfigException(List<String> problems) {
    super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem, one per line. */
  public List<String> problems() {
    return problems;
  }
}
