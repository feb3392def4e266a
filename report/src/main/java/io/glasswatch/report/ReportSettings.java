package io.glasswatch.report;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.sinks.SinkSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The report command's settings, read from {@link GlasswatchSettings} once and validated as a whole: every
 * problem is reported at once in one {@link ConfigException}, each naming the key and the expected form.
 * Immutable; the reader's password is masked in {@link #toString()}.
 *
 * @param elasticsearchUrl {@code elasticsearch.url}: http(s) base URL
 * @param readerUser {@code elasticsearch.reader.username}: the read-only investigator user
 * @param readerPassword {@code elasticsearch.reader.password} (secret)
 * @param indexPrefix {@code elasticsearch.timeline.index-prefix}: the timeline indices {@code <prefix>-*}
 * @param policyFile the {@code --policy} option, else {@code policy.file}: the policy in force; empty for
 *     the built-in defaults
 */
public record ReportSettings(URI elasticsearchUrl, String readerUser, String readerPassword, String indexPrefix,
    Optional<Path> policyFile) {

  /**
   * Reads and validates.
   *
   * @param settings the command's settings
   * @param policyOption the {@code --policy} option, or null when not given (it wins over {@code policy.file})
   * @return the report settings
   * @throws ConfigException listing every problem, sorted
   */
  public static ReportSettings from(GlasswatchSettings settings, Path policyOption) {
    List<String> problems = new ArrayList<>();
    URI es = SinkSettings.elasticsearchUrl(settings, problems);
    String prefix = SinkSettings.timelineIndexPrefix(settings, problems);
    Path policy = policyOption != null ? policyOption
        : settings.isSet(GlasswatchSettings.POLICY_FILE) ? Path.of(settings.get(GlasswatchSettings.POLICY_FILE).strip())
        : null;
    if (policy != null && !Files.isReadable(policy)) {
      problems.add((policyOption != null ? "--policy" : GlasswatchSettings.POLICY_FILE)
          + ": expected a readable policy file, got '" + policy + "'");
    }
    if (!problems.isEmpty()) {
      problems.sort(String::compareTo);
      throw new ConfigException(problems);
    }
    return new ReportSettings(es, settings.get(GlasswatchSettings.ES_READER_USER),
        settings.get(GlasswatchSettings.ES_READER_PASSWORD), prefix, Optional.ofNullable(policy));
  }

  /** Every field, the password masked. */
  @Override
  public String toString() {
    return "ReportSettings{elasticsearchUrl=" + elasticsearchUrl + ", readerUser=" + readerUser + ", readerPassword="
        + (readerPassword.isEmpty() ? "" : "****") + ", indexPrefix=" + indexPrefix + ", policyFile="
        + policyFile.map(Path::toString).orElse("built-in defaults") + "}";
  }
}
