package io.glasswatch.stack;

import io.glasswatch.config.GlasswatchSettings;

/**
 * One server of the local stack. Each component owns a sub-directory of the stack directory
 * ({@link #directoryName()}) holding its pid file, configuration, data and log, and listens on
 * 127.0.0.1 at the port of its {@link #portKey()} setting.
 */
public enum Component {
  /** Apache Kafka 4.3.1, KRaft combined broker and controller (controller on port + 1). */
  KAFKA("kafka", GlasswatchSettings.STACK_KAFKA_PORT),
  /** Apicurio Registry 3.3.3, in-memory storage (management interface on port + 1). */
  REGISTRY("registry", GlasswatchSettings.STACK_REGISTRY_PORT),
  /** Elasticsearch 8.19.21 with security on, file realm users (transport on port + 100). */
  ELASTICSEARCH("elasticsearch", GlasswatchSettings.STACK_ES_PORT),
  /** moto, an AWS API emulator used for the IAM Identity Center (SSO Admin) API. */
  MOTO("moto", GlasswatchSettings.STACK_MOTO_PORT);

  private final String displayName;
  private final String portKey;

  Component(String displayName, String portKey) {
    this.displayName = displayName;
    this.portKey = portKey;
  }

  /** Lower-case name used in progress lines and as the directory name, e.g. {@code kafka}. */
  public String displayName() {
    return displayName;
  }

  /** Name of this component's directory under the stack directory (same as {@link #displayName()}). */
  public String directoryName() {
    return displayName;
  }

  /** The {@link GlasswatchSettings} key of this component's main port, e.g. {@code stack.kafka.port}. */
  public String portKey() {
    return portKey;
  }

  /** This component's main TCP port in {@code settings}. */
  public int port(StackSettings settings) {
    return settings.port(this);
  }
}
