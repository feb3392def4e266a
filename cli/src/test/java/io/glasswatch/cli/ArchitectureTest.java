package io.glasswatch.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The module and package rules of Glasswatch, checked on the main classes of every module the CLI
 * depends on (all but the benchmarks): no package cycles inside a module; alerts, sinks and producers
 * never use the streams app; main code never uses the test fixtures ({@code io.glasswatch.testing});
 * every main source package has a {@code package-info.java} (checked on the sources, as javac writes no
 * class file for a package-info holding only Javadoc).
 */
class ArchitectureTest {
  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.glasswatch");
  }

  /** Each package under {@code root} (the root itself included) is one slice; other classes are ignored. */
  static SliceAssignment packagesUnder(String root) {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass c) {
        String p = c.getPackageName();
        return p.equals(root) || p.startsWith(root + ".") ? SliceIdentifier.of(p) : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "packages under " + root;
      }
    };
  }

  @Test
  void theClassesOfEveryModuleAreImported() {
    for (String root : List.of("io.glasswatch.schema", "io.glasswatch.config", "io.glasswatch.catalogue",
        "io.glasswatch.testing", "io.glasswatch.stack", "io.glasswatch.producers", "io.glasswatch.streams",
        "io.glasswatch.sinks", "io.glasswatch.alerts", "io.glasswatch.cli")) {
      assertThat(main.containPackage(root)).as(root).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"io.glasswatch.schema", "io.glasswatch.config", "io.glasswatch.catalogue",
      "io.glasswatch.testing", "io.glasswatch.stack", "io.glasswatch.sinks", "io.glasswatch.alerts",
      "io.glasswatch.cli"})
  void noModuleHasAPackageCycle(String root) {
    slices().assignedFrom(packagesUnder(root)).should().beFreeOfCycles().check(main);
  }

  @Test
  void theStreamsAppHasNoPackageCycle() {
    slices().assignedFrom(packagesUnder("io.glasswatch.streams")).should().beFreeOfCycles().check(main);
  }

  @Test
  void theProducersHaveNoPackageCycle() {
    slices().assignedFrom(packagesUnder("io.glasswatch.producers")).should().beFreeOfCycles().check(main);
  }

  @Test
  void alertsSinksAndProducersNeverUseTheStreamsApp() {
    noClasses().that().resideInAnyPackage("io.glasswatch.alerts..", "io.glasswatch.sinks..", "io.glasswatch.producers..")
        .should().dependOnClassesThat().resideInAPackage("io.glasswatch.streams..")
        .check(main);
  }

  @Test
  void mainCodeNeverUsesTheTestFixtures() {
    noClasses().that().resideOutsideOfPackage("io.glasswatch.testing..")
        .should().dependOnClassesThat().resideInAPackage("io.glasswatch.testing..")
        .check(main);
  }

  /**
   * Packages added by recent changes without a package-info yet (the source readers', and the alerts and
   * sinks settings' root packages); each is removed from this list when its package-info.java is added
   * (the test fails until it is, so the list only shrinks).
   */
  private static final List<String> KNOWN_WITHOUT_PACKAGE_INFO = List.of();

  @Test
  void everyMainSourcePackageHasAPackageInfo() throws IOException {
    Path root = repositoryRoot();
    TreeSet<Path> missing = new TreeSet<>();
    List<Path> sourceRoots;
    try (Stream<Path> modules = Files.list(root)) {
      sourceRoots = modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList();
    }
    assertThat(sourceRoots).hasSizeGreaterThanOrEqualTo(8);
    for (Path sources : sourceRoots) {
      try (Stream<Path> files = Files.walk(sources)) {
        files.filter(f -> f.toString().endsWith(".java")).map(Path::getParent).distinct()
            .filter(dir -> !Files.exists(dir.resolve("package-info.java")))
            .forEach(dir -> missing.add(root.relativize(dir)));
      }
    }
    assertThat(missing.stream().map(Path::toString).toList()).as("packages without package-info.java")
        .containsExactlyInAnyOrderElementsOf(KNOWN_WITHOUT_PACKAGE_INFO);
  }

  /** The nearest ancestor of the working directory whose {@code pom.xml} lists the modules. */
  private static Path repositoryRoot() throws IOException {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path pom = p.resolve("pom.xml");
      if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>cli</module>")) {
        return p;
      }
    }
    throw new IllegalStateException("no Glasswatch parent pom above " + Path.of("").toAbsolutePath());
  }
}
