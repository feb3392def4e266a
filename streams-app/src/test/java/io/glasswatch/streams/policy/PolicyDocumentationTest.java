package io.glasswatch.streams.policy;


import io.glasswatch.catalogue.AlertType;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The documentation follows the code: every alert type has its runbook section at the anchor its
 * alerts link to and a row in the README's Alerts table, and every policy key is in the README.
 */
class PolicyDocumentationTest {
  private static final Path ROOT = Path.of("..");

  private static String read(String path) throws IOException {
    return Files.readString(ROOT.resolve(path));
  }

  @Test
  void everyAlertTypeHasARunbookSectionAtItsAnchor() throws IOException {
    List<String> headings = read("docs/runbooks.md").lines().filter(l -> l.startsWith("#"))
        .map(l -> l.replaceFirst("^#+\\s*", "")).toList();
    String runbooks = read("docs/runbooks.md");

    for (AlertType t : AlertType.values()) {
      String anchor = t.defaultRunbook().substring(t.defaultRunbook().indexOf('#') + 1);
      assertThat(t.defaultRunbook()).startsWith("docs/runbooks.md#");
      assertThat(headings).as(t.name()).contains(anchor);
      assertThat(runbooks).as(t.name()).contains("`" + t.name() + "` · **Severity** " + t.defaultSeverity().wireName());
    }
    assertThat(headings.stream().filter(h -> h.matches("[a-z-]+") && !h.contains(" "))).hasSize(AlertType.values().length);
  }

  @Test
  void readmeAlertsTableHasARowForEveryTypeWithItsDefaults() throws IOException {
    List<String> rows = read("README.md").lines().filter(l -> l.startsWith("| `")).toList();

    for (AlertType t : AlertType.values()) {
      assertThat(rows).as(t.name()).anySatisfy(r -> assertThat(r)
          .startsWith("| `" + t.name() + "` | " + t.defaultSeverity().wireName() + " | ")
          .contains("(" + t.defaultRunbook() + ")"));
    }
  }

  @Test
  void readmePolicyTableNamesEveryKey() throws IOException {
    String readme = read("README.md");

    for (String key : PolicyFile.KEYS) {
      assertThat(readme).as(key).containsPattern("\\| `" + key + "`");
    }
  }
}
