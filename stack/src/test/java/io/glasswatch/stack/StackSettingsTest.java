package io.glasswatch.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.ConfigException;
import io.glasswatch.config.GlasswatchSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class StackSettingsTest {

  private static GlasswatchSettings.Builder valid() {
    return GlasswatchSettings.builder();
  }

  private static Properties system(String repoLocal, String home) {
    Properties p = new Properties();
    if (repoLocal != null) {
      p.setProperty("maven.repo.local", repoLocal);
    }
    p.setProperty("user.home", home);
    return p;
  }

  private static List<String> problems(GlasswatchSettings s) {
    try {
      StackSettings.from(s, system(null, "/home/u"));
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException for " + s);
  }

  @Test
  void localOnPortsPointsTheClientsAtTheStack() {
    GlasswatchSettings g = StackSettings.localOnPorts(Path.of("/tmp/gw-stack"), 31092, 31081, 31200, 31000).build();

    StackSettings s = StackSettings.from(g, system(null, "/home/u"));
    assertThat(s.directory()).isEqualTo(Path.of("/tmp/gw-stack"));
    assertThat(List.of(s.kafkaPort(), s.registryPort(), s.elasticsearchPort(), s.motoPort()))
        .containsExactly(31092, 31081, 31200, 31000);
    assertThat(g.get(GlasswatchSettings.KAFKA_BOOTSTRAP)).isEqualTo("127.0.0.1:31092");
    assertThat(g.get(GlasswatchSettings.REGISTRY_URL)).isEqualTo("http://127.0.0.1:31081/apis/registry/v3");
  }

  @Test
  void defaultsAreThoseOfTheReadme() {
    StackSettings s = StackSettings.from(valid().build(), system(null, "/home/u"));

    assertThat(s.directory()).isEqualTo(Path.of(".glasswatch/stack").toAbsolutePath().normalize());
    assertThat(s.kafkaPort()).isEqualTo(19092);
    assertThat(s.registryPort()).isEqualTo(18081);
    assertThat(s.elasticsearchPort()).isEqualTo(19200);
    assertThat(s.motoPort()).isEqualTo(15000);
    assertThat(s.timelineIndexPrefix()).isEqualTo("glasswatch-timeline");
    assertThat(s.users()).isEqualTo(new StackSettings.Users("glasswatch_admin", "", "glasswatch_sink", "",
        "glasswatch_reader", ""));
    assertThat(s.mavenRepositories()).last().isEqualTo(Path.of("/home/u/.m2/repository"));
  }

  @Test
  void readsEveryKeyAndAddressesEachComponent() {
    GlasswatchSettings g = valid()
        .set(GlasswatchSettings.STACK_DIR, "/tmp/gw-stack")
        .set(GlasswatchSettings.STACK_KAFKA_PORT, "32092")
        .set(GlasswatchSettings.STACK_REGISTRY_PORT, "32081")
        .set(GlasswatchSettings.STACK_ES_PORT, "32200")
        .set(GlasswatchSettings.STACK_MOTO_PORT, "32000")
        .set(GlasswatchSettings.ES_TIMELINE_INDEX, "audit-tl")
        .set(GlasswatchSettings.ES_ADMIN_USER, "root-admin")
        .set(GlasswatchSettings.ES_ADMIN_PASSWORD, "admin-secret")
        .set(GlasswatchSettings.ES_SINK_USER, "writer")
        .set(GlasswatchSettings.ES_READER_USER, "investigator")
        .build();

    StackSettings s = StackSettings.from(g, system("/repo/m2", "/home/u"));

    assertThat(s.directory()).isEqualTo(Path.of("/tmp/gw-stack"));
    assertThat(s.port(Component.KAFKA)).isEqualTo(32092);
    assertThat(s.port(Component.REGISTRY)).isEqualTo(32081);
    assertThat(s.port(Component.ELASTICSEARCH)).isEqualTo(32200);
    assertThat(s.address(Component.MOTO)).isEqualTo("127.0.0.1:32000");
    assertThat(Component.KAFKA.port(s)).isEqualTo(32092);
    assertThat(s.timelineIndexPrefix()).isEqualTo("audit-tl");
    assertThat(s.users()).isEqualTo(new StackSettings.Users("root-admin", "admin-secret", "writer", "",
        "investigator", ""));
    assertThat(s.mavenRepositories()).containsSubsequence(Path.of("/repo/m2"), Path.of("/home/u/.m2/repository"));
  }

  @Test
  void passwordsNeverAppearInToString() {
    StackSettings s = StackSettings.from(valid().set(GlasswatchSettings.ES_SINK_PASSWORD, "sink-secret-42").build());

    assertThat(s.toString()).doesNotContain("sink-secret-42").contains("****", "glasswatch_sink");
  }

  @Test
  void aPortThatIsNoNumberIsRejectedNamingTheKey() {
    // GlasswatchSettings itself checks the main ports, so build settings it accepts and then break one.
    GlasswatchSettings g = valid().build().with(GlasswatchSettings.STACK_MOTO_PORT, "fifteen-thousand");

    assertThat(problems(g)).containsExactly(
        GlasswatchSettings.STACK_MOTO_PORT + ": expected a TCP port 1-65535, got 'fifteen-thousand'");
  }

  @Test
  void aPortWhoseNeighbourIsOutOfRangeIsRejected() {
    assertThat(problems(valid().set(GlasswatchSettings.STACK_ES_PORT, "65500").build())).containsExactly(
        GlasswatchSettings.STACK_ES_PORT + ": expected a TCP port 1-65435 (its transport uses port + 100), got '65500'");
    assertThat(problems(valid().set(GlasswatchSettings.STACK_KAFKA_PORT, "65535").build())).containsExactly(
        GlasswatchSettings.STACK_KAFKA_PORT + ": expected a TCP port 1-65534 (its controller uses port + 1), got '65535'");
  }

  @Test
  void portsSharedByTwoServersAreRejected() {
    List<String> p = problems(valid().set(GlasswatchSettings.STACK_REGISTRY_PORT, "19093").build());

    assertThat(p).singleElement().asString()
        .startsWith(GlasswatchSettings.STACK_REGISTRY_PORT + ": port 19093 of stack.registry.port is also that of "
            + "stack.kafka.port + 1 (its controller)");
  }

  @Test
  void samePortForTwoMainPortsIsRejected() {
    List<String> p = problems(valid().set(GlasswatchSettings.STACK_MOTO_PORT, "19200").build());

    assertThat(p).singleElement().asString().startsWith(GlasswatchSettings.STACK_MOTO_PORT + ": port 19200");
  }

  @Test
  void anEmptyStackDirectoryIsRejected() {
    assertThat(problems(valid().build().with(GlasswatchSettings.STACK_DIR, " "))).containsExactly(
        GlasswatchSettings.STACK_DIR + ": expected a directory, e.g. .glasswatch/stack, got ''");
  }

  @Test
  void anUpperCaseOrEmptyIndexPrefixIsRejected() {
    assertThat(problems(valid().set(GlasswatchSettings.ES_TIMELINE_INDEX, "Timeline").build())).containsExactly(
        GlasswatchSettings.ES_TIMELINE_INDEX + ": expected a lower-case index prefix such as glasswatch-timeline, got 'Timeline'");
    assertThat(problems(valid().build().with(GlasswatchSettings.ES_TIMELINE_INDEX, ""))).hasSize(1);
  }

  @Test
  void aUserNameWithAColonOrSpacesIsRejected() {
    assertThat(problems(valid().set(GlasswatchSettings.ES_SINK_USER, "a:b").build())).singleElement().asString()
        .startsWith(GlasswatchSettings.ES_SINK_USER + ": expected an Elasticsearch user name");
    assertThat(problems(valid().set(GlasswatchSettings.ES_ADMIN_USER, " admin").build())).singleElement().asString()
        .startsWith(GlasswatchSettings.ES_ADMIN_USER + ": expected an Elasticsearch user name");
  }

  @Test
  void aBlankUserNameFallsBackToTheDefault() {
    StackSettings s = StackSettings.from(valid().build().with(GlasswatchSettings.ES_READER_USER, "  "));

    assertThat(s.users().readerUser()).isEqualTo("glasswatch_reader");
  }

  @Test
  void twoRolesWithOneUserNameAreRejected() {
    assertThat(problems(valid().set(GlasswatchSettings.ES_READER_USER, "glasswatch_sink").build())).singleElement()
        .asString().startsWith(GlasswatchSettings.ES_READER_USER + ": expected three different user names");
  }

  @Test
  void aPasswordOnTwoLinesIsRejectedWithoutShowingIt() {
    List<String> p = problems(valid().set(GlasswatchSettings.ES_ADMIN_PASSWORD, "first\nsecond").build());

    assertThat(p).containsExactly(GlasswatchSettings.ES_ADMIN_PASSWORD
        + ": expected a password on one line (it is kept in a properties file)");
  }

  @Test
  void everyProblemIsReportedAtOnceSorted() {
    GlasswatchSettings g = valid().set(GlasswatchSettings.ES_TIMELINE_INDEX, "UP").set(GlasswatchSettings.ES_SINK_USER, "x:y")
        .build().with(GlasswatchSettings.STACK_DIR, "");

    assertThat(problems(g)).hasSize(3).isSorted();
  }

  @Test
  void localStackRejectsInvalidSettingsBeforeTouchingTheDisk(@org.junit.jupiter.api.io.TempDir Path dir) {
    GlasswatchSettings g = valid().set(GlasswatchSettings.STACK_DIR, dir.resolve("stack").toString())
        .set(GlasswatchSettings.STACK_REGISTRY_PORT, "19093").build();

    assertThatThrownBy(() -> new LocalStack(g)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(GlasswatchSettings.STACK_REGISTRY_PORT);
    assertThat(dir.resolve("stack")).doesNotExist();
  }
}
