package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class InlinePolicyTextTest {
  private static final String OTHERS = """
      {
        "Version": "2012-10-17",
        "Statement": [
          { "Sid": "ReadLogs", "Effect": "Allow", "Action": ["logs:Get*"], "Resource": "*" },
          {"Sid":"NoIam","Effect":"Deny","Action":"iam:*","Resource":"*"}   \t
        ]
      }
      """;
  private static final DenyStatement OURS =
      DenyStatement.forPermissionSet("contain:cmd-1", "9067c2a1-user", Instant.parse("2026-12-07T01:23:45.200Z"));

  @Test
  void mergeKeepsOthersStatementsAndRemoveGivesTheOriginalBackByteForByte() {
    String merged = InlinePolicyText.merge(OTHERS, OURS.json(), OURS.sid());

    assertThat(InlinePolicyText.sids(merged)).containsExactly("ReadLogs", "NoIam", OURS.sid());
    assertThat(merged).startsWith(OTHERS.substring(0, OTHERS.indexOf("\"Resource\":\"*\"}") + 15));
    assertThat(InlinePolicyText.remove(merged, OURS.sid())).contains(OTHERS);
  }

  @Test
  void mergeIsIdempotentForTheSameSid() {
    String merged = InlinePolicyText.merge(OTHERS, OURS.json(), OURS.sid());
    assertThat(InlinePolicyText.merge(merged, OURS.json(), OURS.sid())).isEqualTo(merged);
  }

  @Test
  void twoContainmentsOnOnePermissionSetAreRemovedIndependently() {
    DenyStatement second = DenyStatement.forPermissionSet("contain:cmd-2", "other-user", Instant.parse("2026-12-07T02:00:00Z"));
    String one = InlinePolicyText.merge(OTHERS, OURS.json(), OURS.sid());
    String two = InlinePolicyText.merge(one, second.json(), second.sid());

    assertThat(InlinePolicyText.remove(two, OURS.sid()).orElseThrow()).doesNotContain(OURS.sid()).contains(second.sid());
    assertThat(InlinePolicyText.remove(InlinePolicyText.remove(two, OURS.sid()).orElseThrow(), second.sid())).contains(OTHERS);
    assertThat(InlinePolicyText.remove(InlinePolicyText.remove(two, second.sid()).orElseThrow(), OURS.sid())).contains(OTHERS);
  }

  @Test
  void noPolicyBecomesOursAloneAndItsRemovalMeansDeleteThePolicy() {
    String created = InlinePolicyText.merge(null, OURS.json(), OURS.sid());
    assertThat(created).isEqualTo("{\"Version\":\"2012-10-17\",\"Statement\":[" + OURS.json() + "]}");
    assertThat(InlinePolicyText.remove(created, OURS.sid())).isEmpty();
  }

  @Test
  void aSingleObjectStatementIsWrappedAndKeptAsOneElementArray() {
    String single = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}";
    String merged = InlinePolicyText.merge(single, OURS.json(), OURS.sid());
    assertThat(InlinePolicyText.sids(merged)).containsExactly(null, OURS.sid());
    assertThat(InlinePolicyText.remove(merged, OURS.sid())).contains(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}");
  }

  @Test
  void removingAnAbsentSidLeavesTheDocumentAlone() {
    assertThat(InlinePolicyText.remove(OTHERS, OURS.sid())).contains(OTHERS);
    assertThat(InlinePolicyText.contains(OTHERS, OURS.sid())).isFalse();
  }

  @Test
  void rejectsTextThatIsNotAPolicyObject() {
    assertThatThrownBy(() -> InlinePolicyText.merge("[1,2]", OURS.json(), OURS.sid()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> InlinePolicyText.merge("{\"Statement\": [", OURS.json(), OURS.sid()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
  }

  @Test
  void theStatementNamesTheUserAndRoundsTheIssueTimeUp() {
    assertThat(OURS.json()).contains("\"identitystore:userId\":\"9067c2a1-user\"")
        .contains("\"DateLessThan\":{\"aws:TokenIssueTime\":\"2026-12-07T01:23:46Z\"}")
        .contains("\"Effect\":\"Deny\"");
    assertThat(OURS.sid()).matches("GlasswatchContain[0-9a-f]{16}");
    assertThat(DenyStatement.forRole("contain:r", Instant.parse("2026-12-07T01:00:00Z")).json())
        .doesNotContain("identitystore").contains("\"aws:TokenIssueTime\":\"2026-12-07T01:00:00Z\"");
  }

  @Test
  void mergeReplacesAStatementOfTheSameSidWithAnotherDenyTimeKeepingEveryOtherByte() {
    String sid = OURS.sid();
    String earlier = OURS.json();
    String later = earlier.replaceFirst("\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z", "2099-01-01T00:00:00Z");
    assertThat(later).isNotEqualTo(earlier);
    String once = InlinePolicyText.merge(OTHERS, earlier, sid);
    String again = InlinePolicyText.merge(once, later, sid);
    assertThat(InlinePolicyText.sids(again)).containsExactly("ReadLogs", "NoIam", sid);
    assertThat(again).contains("2099-01-01T00:00:00Z").isEqualTo(InlinePolicyText.merge(OTHERS, later, sid));
    assertThat(InlinePolicyText.remove(again, sid)).contains(OTHERS);
  }
}
