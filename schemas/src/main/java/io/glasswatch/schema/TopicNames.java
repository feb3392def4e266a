package io.glasswatch.schema;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The topic names one Glasswatch instance uses: every name of the {@link Topics} catalogue with the
 * setting {@value GlasswatchSettings#TOPIC_PREFIX} in front. The prefix is empty by default, so the
 * names are the catalogue's as SPEC and README state them; a prefix lets several instances (or tests)
 * share one Kafka cluster without seeing each other's records. The same prefix goes in front of the
 * services' consumer groups ({@link #group(String)}: the timeline sink, the revoke executor, the on-call
 * dispatcher) and of the registry artifacts of the Avro topics ({@code <prefix><topic>-value},
 * {@link SchemaRegistrar#registerAll(TopicNames)}). The streams app's application id (its group and the
 * prefix of its internal topics) is its own setting, {@code streams.application.id}.
 *
 * @param prefix letters, digits, {@code .}, {@code _} or {@code -}, at most 100 characters; may be empty
 */
public record TopicNames(String prefix) {
  /** The catalogue's names, no prefix (production). */
  public static final TopicNames DEFAULT = new TopicNames("");

  /**
   * Validates the prefix.
   *
   * @throws ConfigException naming {@value GlasswatchSettings#TOPIC_PREFIX} and the expected form
   */
  public TopicNames {
    if (prefix == null || !prefix.matches("[A-Za-z0-9._-]{0,100}")) {
      throw new ConfigException(List.of(GlasswatchSettings.TOPIC_PREFIX
          + ": expected up to 100 letters, digits, '.', '_' or '-' (or nothing), got '" + prefix + "'"));
    }
  }

  /**
   * The names of {@code settings}' instance.
   *
   * @param settings validated settings ({@value GlasswatchSettings#TOPIC_PREFIX}, empty by default)
   * @return the names
   */
  public static TopicNames from(GlasswatchSettings settings) {
    return new TopicNames(settings.get(GlasswatchSettings.TOPIC_PREFIX).strip());
  }

  /**
   * The topic this instance uses for a catalogue name.
   *
   * @param catalogueName a name of {@link Topics}, e.g. {@value Topics#ALERTS}
   * @return {@code prefix + catalogueName}
   */
  public String name(String catalogueName) {
    return prefix + catalogueName;
  }

  /**
   * The consumer group (or Kafka Streams application id) this instance uses for a service's group.
   *
   * @param group the production group, e.g. {@code glasswatch-revoker}
   * @return {@code prefix + group}
   */
  public String group(String group) {
    return prefix + group;
  }

  /** {@link Topics#all()} with the prefix, in the same order. */
  public List<String> all() {
    return Topics.all().stream().map(this::name).toList();
  }

  /** {@link Topics#valueTypes()} keyed by the prefixed names. */
  public Map<String, Class<? extends SpecificRecord>> valueTypes() {
    Map<String, Class<? extends SpecificRecord>> m = new LinkedHashMap<>();
    Topics.valueTypes().forEach((t, type) -> m.put(name(t), type));
    return Map.copyOf(m);
  }

  /** Whether {@code topic} is one of {@link #all()}. */
  public boolean isCatalogueTopic(String topic) {
    return all().contains(topic);
  }
}
