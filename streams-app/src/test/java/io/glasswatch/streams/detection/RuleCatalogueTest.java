package io.glasswatch.streams.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.catalogue.AlertType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every alert type of the catalogue has exactly one rule class in streams-app (REVOKE_FAILED and CONTAINMENT_FAILED
 * excepted: the revoke executor and the containment service raise them), found by name, so that adding a rule is adding its class.
 */
class RuleCatalogueTest {
  private static final List<String> STAGE_PACKAGES =
      List.of("io.glasswatch.streams.correlation", "io.glasswatch.streams.subject");

  @Test
  void classNamesFollowTheCatalogue() {
    assertThat(RuleCatalogue.className("p", AlertType.ROOT_LOGIN_WITHOUT_MFA)).isEqualTo("p.RootLoginWithoutMfaRule");
    assertThat(RuleCatalogue.className("p", AlertType.REPEATED_BREAK_GLASS)).isEqualTo("p.RepeatedBreakGlassRule");
  }

  @Test
  void everyTypeButRevokeFailedHasExactlyOneRuleClass() {
    List<AlertType> withRule = new ArrayList<>();
    for (AlertType t : AlertType.values()) {
      int found = 0;
      for (String pkg : STAGE_PACKAGES) {
        try {
          Class.forName(RuleCatalogue.className(pkg, t));
          found++;
        } catch (ClassNotFoundException e) {
          // not in this stage
        }
      }
      assertThat(found).as(t.name()).isLessThanOrEqualTo(1);
      if (found == 1) {
        withRule.add(t);
      }
    }
    List<AlertType> expected = new ArrayList<>(List.of(AlertType.values()));
    expected.remove(AlertType.REVOKE_FAILED);
    expected.remove(AlertType.CONTAINMENT_FAILED);
    assertThat(withRule).containsExactlyElementsOf(expected);
  }

  @Test
  void aStageWithoutRuleClassesLoadsNone() {
    assertThat(RuleCatalogue.load("io.glasswatch.streams.nowhere", Runnable.class, r -> AlertType.TOKEN_REUSE,
        r -> 0)).isEmpty();
  }
}
