package io.glasswatch.streams.corpus;

import static io.glasswatch.streams.corpus.CorpusConformanceTest.Verdict.AGREES;
import static io.glasswatch.streams.corpus.CorpusConformanceTest.Verdict.DIFFERS;
import static io.glasswatch.streams.corpus.CorpusConformanceTest.Verdict.NOT_APPLICABLE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.glasswatch.schema.Alert;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.streams.replay.InputRecord;
import io.glasswatch.streams.replay.ReplayResult;
import io.glasswatch.streams.replay.Replayer;
import io.glasswatch.streams.testing.Corpus;
import io.glasswatch.streams.testing.Events;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Our verdict against the published verdict ({@code expected}) of the corpus' root rules
 * (shared/corpus: panther-labs/panther-analysis and airbnb/streamalert, Apache-2.0): every case of
 * those rules runs alone, with no break-glass grant, and the alert type that stands for the rule must
 * fire exactly when the source's rule fires, except where the table says we deliberately differ, and
 * why. The 353 background rule tests, which give no alert, are {@link PantherCorpusTest}'s.
 *
 * <p>"Alone": each case is the only event of its own AWS account, re-timed to a common base (a few
 * cases carry no usable time, e.g. {@code "redacted"}), and the replay runs 10 minutes of event time
 * past it: every decision delay passes, no rotation deadline does.
 *
 * <p>The table (rule, case -> the alert type standing for the rule, the verdict, every alert we raise,
 * why):
 *
 * <pre>
 * AWS.Console.RootLogin         Successful Root Login            UNAUTHORIZED_ROOT_USE   agrees  root sign-in, no grant (and no MFA)
 * AWS.Console.RootLogin         Non-Login Event                  UNAUTHORIZED_ROOT_USE   agrees  AssumedRole: not root
 * AWS.Root.Activity             Root Activity                    UNAUTHORIZED_ROOT_USE   agrees  root PutBucketVersioning, no grant
 * AWS.Root.Activity             Successful Root Login            UNAUTHORIZED_ROOT_USE   agrees  root sign-in, no grant (and no MFA)
 * AWS.Root.Activity             IAMUser Activity                 UNAUTHORIZED_ROOT_USE   agrees  not root
 * AWS.Root.Activity             Root User Failed Activity        UNAUTHORIZED_ROOT_USE   agrees  sign-in answered Failure: no root use
 * AWS.Root.Activity             Root Read-Only Enumeration       UNAUTHORIZED_ROOT_USE   DIFFERS Panther drops read-only calls for noise;
 *                                                                                                SPEC 1.2 counts every root call outside a grant
 * AWS.Root.Activity             Root Activity - CreateServiceLinkedRole  (same)          DIFFERS Panther drops service-linked roles for noise;
 *                                                                                                SPEC 1.2 counts every root call outside a grant
 * AWS.CloudTrail.RootAccessKeyCreated  Root Access Key Created   ROOT_ANTIPATTERN        agrees  console root call (invokedBy signin): antipattern,
 *                                                                                                not root use under SPEC 1.2
 * AWS.CloudTrail.RootAccessKeyCreated  Root Created Access Key For User  ROOT_ANTIPATTERN DIFFERS Panther's rule is about root's own key;
 *                                                                                                ROOT_ANTIPATTERN covers root creating any key
 * AWS.CloudTrail.RootPasswordChanged   Root Password Changed     UNAUTHORIZED_ROOT_USE   agrees  root credential change outside a grant
 * AWS.CloudTrail.RootPasswordChanged   Root Password Change Failed  UNAUTHORIZED_ROOT_USE agrees failed change: no root use
 * AWS.Console.RootLoginFailed   Failed Root Login                ROOT_LOGIN_FAILED       agrees  root sign-in answered Failure, no grant
 * AWS.Console.RootLoginFailed   Successful Login                 ROOT_LOGIN_FAILED       agrees  not a failure (it is unauthorized root use)
 * AWS.Console.RootLoginFailed   Non-Login Event                  ROOT_LOGIN_FAILED       agrees  not root
 * AWS.Console.LoginWithoutMFA   No MFA Login - Root User         ROOT_LOGIN_WITHOUT_MFA  agrees  root sign-in, MFAUsed No
 * AWS.Console.LoginWithoutMFA   the 10 non-root cases            -                       n/a     IAM-user MFA is not a break-glass rule
 * cloudtrail_root_account_usage [0] and [1]                      UNAUTHORIZED_ROOT_USE   n/a     placeholder-only ("..." eventTime): the producers
 *                                                                                                cannot normalize them
 * </pre>
 */
class CorpusConformanceTest {
  /** Our verdict against the source's. */
  enum Verdict { AGREES, DIFFERS, NOT_APPLICABLE }

  /**
   * One case of the table.
   *
   * @param type the alert type that stands for the source's rule (null when the case does not apply)
   * @param verdict whether our firing agrees with {@code expected}
   * @param alerts every alert type we raise for the event alone
   * @param why the reason, for a human
   */
  record Case(String type, Verdict verdict, Set<String> alerts, String why) {}

  private static final String ROOT_USE = "UNAUTHORIZED_ROOT_USE";
  private static final String NO_MFA = "ROOT_LOGIN_WITHOUT_MFA";
  private static final String FAILED = "ROOT_LOGIN_FAILED";
  private static final String ANTIPATTERN = "ROOT_ANTIPATTERN";
  private static final Instant BASE = Instant.parse("2024-06-01T12:00:00Z");

  /** The table, keyed {@code <rule>|<case>}. */
  private static final Map<String, Case> TABLE = new LinkedHashMap<>();

  static {
    put("AWS.Console.RootLogin", "Successful Root Login", ROOT_USE, AGREES, Set.of(ROOT_USE, NO_MFA),
        "root console sign-in with no grant; MFAUsed No adds ROOT_LOGIN_WITHOUT_MFA");
    put("AWS.Console.RootLogin", "Non-Login Event", ROOT_USE, AGREES, Set.of(), "AssumedRole: not root");
    put("AWS.Root.Activity", "Root Activity", ROOT_USE, AGREES, Set.of(ROOT_USE), "root PutBucketVersioning, no grant");
    put("AWS.Root.Activity", "Successful Root Login", ROOT_USE, AGREES, Set.of(ROOT_USE, NO_MFA),
        "root console sign-in with no grant");
    put("AWS.Root.Activity", "IAMUser Activity", ROOT_USE, AGREES, Set.of(), "IAMUser: not root");
    put("AWS.Root.Activity", "Root User Failed Activity", ROOT_USE, AGREES, Set.of(),
        "a sign-in record answered Failure is no root use");
    put("AWS.Root.Activity", "Root Read-Only Enumeration", ROOT_USE, DIFFERS, Set.of(ROOT_USE),
        "Panther suppresses read-only root calls for noise; SPEC 1.2 counts every root call outside a grant");
    put("AWS.Root.Activity", "Root Activity - CreateServiceLinkedRole", ROOT_USE, DIFFERS, Set.of(ROOT_USE),
        "Panther suppresses service-linked roles for noise; SPEC 1.2 counts every root call outside a grant");
    put("AWS.CloudTrail.RootAccessKeyCreated", "Root Access Key Created", ANTIPATTERN, AGREES, Set.of(ANTIPATTERN),
        "root CreateAccessKey through the console (invokedBy signin.amazonaws.com): an antipattern, "
            + "though not root use under SPEC 1.2");
    put("AWS.CloudTrail.RootAccessKeyCreated", "Root Created Access Key For User", ANTIPATTERN, DIFFERS,
        Set.of(ANTIPATTERN), "Panther's rule is about root's own key; ROOT_ANTIPATTERN covers root creating any "
            + "user's key");
    put("AWS.CloudTrail.RootPasswordChanged", "Root Password Changed", ROOT_USE, AGREES, Set.of(ROOT_USE),
        "a root password change with no grant is unauthorized root use");
    put("AWS.CloudTrail.RootPasswordChanged", "Root Password Change Failed", ROOT_USE, AGREES, Set.of(),
        "a failed change is no root use");
    put("AWS.Console.RootLoginFailed", "Failed Root Login", FAILED, AGREES, Set.of(FAILED),
        "root sign-in answered Failure with no grant");
    put("AWS.Console.RootLoginFailed", "Successful Login", FAILED, AGREES, Set.of(ROOT_USE, NO_MFA),
        "a successful sign-in is no failure (it is unauthorized root use)");
    put("AWS.Console.RootLoginFailed", "Non-Login Event", FAILED, AGREES, Set.of(), "AssumedRole: not root");
    put("AWS.Console.LoginWithoutMFA", "No MFA Login - Root User", NO_MFA, AGREES, Set.of(ROOT_USE, NO_MFA),
        "root sign-in with MFAUsed No (and no grant)");
    for (String nonRoot : List.of("No MFA Login - IAM User", "No MFA Login - IAM User Unknown Account",
        "MFA Login - SAML", "MFA Login", "No MFA - Login Failed", "No MFA - authenticated from session with MFA",
        "No MFA Login - New User", "AWS SSOv2 Login", "AssumeRole from MFA User Session",
        "No MFA - IAM Role and External IDP")) {
      put("AWS.Console.LoginWithoutMFA", nonRoot, null, NOT_APPLICABLE, Set.of(),
          "not root: IAM-user MFA is not a break-glass rule");
    }
    put("cloudtrail_root_account_usage", "[0] Use of the AWS 'Root' account will create an alert.", ROOT_USE,
        NOT_APPLICABLE, Set.of(), "placeholder-only (eventTime and ConsoleLogin are \"...\"): cannot be normalized");
    put("cloudtrail_root_account_usage", "[1] AWS 'Root' account activity initiated automatically by an AWS service "
        + "on your behalf will not create an alert.", ROOT_USE, NOT_APPLICABLE, Set.of(),
        "placeholder-only (eventTime is \"...\"): cannot be normalized");
  }

  private static void put(String rule, String name, String type, Verdict verdict, Set<String> alerts, String why) {
    TABLE.put(rule + "|" + name, new Case(type, verdict, alerts, why));
  }

  private static Set<String> rules(String prefix) {
    return TABLE.keySet().stream().map(k -> k.substring(0, k.indexOf('|'))).filter(r -> r.startsWith(prefix))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void pantherRootRulesAgreeExceptWhereTheTableSaysWhy() {
    List<JsonNode> rows = Corpus.rows("panther-cloudtrail.jsonl").stream()
        .filter(r -> rules("AWS.").contains(r.path("rule").asText())).toList();
    List<String> keys = rows.stream().map(r -> r.path("rule").asText() + "|" + r.path("case").asText()).toList();
    assertThat(keys).as("every case of the rules is in the table, and only those")
        .containsExactlyInAnyOrderElementsOf(TABLE.keySet().stream().filter(k -> k.startsWith("AWS.")).toList());

    List<InputRecord> inputs = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      CloudTrailEvent e = Corpus.cloudTrail(rows.get(i).path("event"), "case-" + i, BASE, accountOf(i));
      inputs.add(Events.in(CloudTrailEvent.newBuilder(e).setRecipientAccountId(accountOf(i))
          .setEventTime(BASE.plusSeconds(i)).build()));
    }
    inputs.add(Events.tick(BASE.plus(Duration.ofMinutes(10))));
    ReplayResult r = new Replayer().replay(inputs);

    assertThat(r.deadLetters()).isEmpty();
    Map<String, Set<String>> byAccount = r.alerts().stream().collect(Collectors.groupingBy(Alert::getAccountId,
        Collectors.mapping(Alert::getAlertType, Collectors.toCollection(TreeSet::new))));
    for (int i = 0; i < rows.size(); i++) {
      Case c = TABLE.get(keys.get(i));
      Set<String> ours = byAccount.getOrDefault(accountOf(i), Set.of());
      boolean published = rows.get(i).path("expected").asBoolean();
      assertThat(ours).as("%s: our alerts (%s)", keys.get(i), c.why()).isEqualTo(c.alerts());
      if (c.verdict() == NOT_APPLICABLE) {
        continue;
      }
      boolean fires = ours.contains(c.type());
      assertThat(fires).as("%s: %s %s the published %s (%s)", keys.get(i), c.type(),
          c.verdict() == AGREES ? "agrees with" : "deliberately differs from", published, c.why())
          .isEqualTo(c.verdict() == AGREES ? published : !published);
    }
    assertThat(TABLE.values()).filteredOn(c -> c.verdict() == DIFFERS).as("deliberate differences").hasSize(3);
  }

  @Test
  void streamAlertRootUsageFixturesCannotBeNormalized() {
    List<JsonNode> rows = Corpus.rows("streamalert-cloudtrail.jsonl").stream()
        .filter(r -> "cloudtrail_root_account_usage".equals(r.path("rule").asText())).toList();

    assertThat(rows).hasSize(2).allSatisfy(row -> {
      Case c = TABLE.get(row.path("rule").asText() + "|" + row.path("case").asText());
      assertThat(c).as("in the table: " + row.path("case").asText()).isNotNull();
      assertThat(c.verdict()).isEqualTo(NOT_APPLICABLE);
      JsonNode record = row.path("event").path("detail");
      assertThat(record.path("userIdentity").path("type").asText()).isEqualTo("Root");
      assertThat(Corpus.hasEventTime(record)).as("eventTime %s", record.path("eventTime")).isFalse();
    });
  }

  @Test
  void compromisedRootSequenceRaisesEveryRootTypeAndRotationADayLater() {
    List<CloudTrailEvent> events = new ArrayList<>();
    List<JsonNode> rows = Corpus.events("panther-scenario-compromised-root.jsonl");
    for (int i = 0; i < rows.size(); i++) {
      events.add(Corpus.cloudTrail(rows.get(i), "panther-" + i, null, "493859302102"));
    }
    events.sort(Comparator.comparing(CloudTrailEvent::getEventTime));
    List<InputRecord> inputs = new ArrayList<>(events.stream().map(Events::in).toList());

    ReplayResult r = new Replayer().replay(inputs);

    Instant attackerLogin = Instant.parse("2020-11-01T08:29:10Z");
    Set<String> types = r.alerts().stream().filter(a -> !a.getEventTime().isBefore(attackerLogin.minus(Duration.ofDays(3))))
        .map(Alert::getAlertType).collect(Collectors.toCollection(TreeSet::new));
    assertThat(types).as("from the attacker's failed sign-ins on").containsExactlyInAnyOrder(ROOT_USE, ANTIPATTERN,
        NO_MFA, FAILED);
    assertThat(r.alerts()).filteredOn(a -> a.getAlertType().equals(ANTIPATTERN))
        .extracting(a -> a.getSummary().split(" called ")[1].split(" ")[0])
        .as("one per call name of the attacker's session: two CreateAccessKey and three AttachUserPolicy fold")
        .containsExactlyInAnyOrder("CreateAccessKey", "CreateUser", "AttachUserPolicy");
    assertThat(r.alerts()).filteredOn(a -> a.getAlertType().equals(FAILED)).hasSize(3);

    inputs.add(Events.in(Events.userCall("later-1", "493859302102",
        Instant.parse("2020-11-01T08:39:02Z").plus(Duration.ofHours(24)), "DescribeInstances")));
    ReplayResult later = new Replayer().replay(inputs);

    assertThat(later.alerts()).filteredOn(a -> a.getAlertType().equals("ROTATION_OVERDUE")
            && a.getEventTime().isAfter(attackerLogin)).as("the attacker's session, 24 h after its last root event")
        .singleElement().satisfies(a -> assertThat(a.getEventTime()).isEqualTo(Instant.parse("2020-11-02T08:39:02Z")));
  }

  /** A 12-digit account of its own for case {@code i}. */
  private static String accountOf(int i) {
    return String.format("9000%08d", i);
  }
}
