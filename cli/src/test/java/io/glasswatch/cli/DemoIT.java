package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code glasswatch demo} on the test stack, twice: every check passes and both runs agree. */
class DemoIT {

  private static String runDemo(GlasswatchSettings s) {
    List<String> args = new ArrayList<>(List.of("demo", "--keep"));
    for (String k : List.of(GlasswatchSettings.STACK_DIR, GlasswatchSettings.STACK_KAFKA_PORT,
        GlasswatchSettings.STACK_REGISTRY_PORT, GlasswatchSettings.STACK_ES_PORT, GlasswatchSettings.STACK_MOTO_PORT,
        GlasswatchSettings.KAFKA_BOOTSTRAP, GlasswatchSettings.REGISTRY_URL, GlasswatchSettings.ES_URL)) {
      args.addAll(List.of("--set", k + "=" + s.get(k)));
    }
    PrintStream out = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      int status = GlasswatchCli.execute(args.toArray(String[]::new));
      String text = buf.toString(StandardCharsets.UTF_8);
      assertThat(status).as(text).isZero();
      return text;
    } finally {
      System.setOut(out);
      System.out.println(buf.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void demoPassesEveryCheckAndASecondRunGivesTheSameAlerts() {
    GlasswatchSettings s = TestStack.settings(Component.values());
    String first = runDemo(s);
    assertThat(first).contains("same alert ids: yes").contains("unresolved live alert ids = replay alert ids: yes")
        .containsPattern("Root detection latency \\(record acknowledged by Kafka -> on-call webhook\\), [1-9]\\d* root"
            + " alerts: min \\d+ ms, median \\d+ ms, max \\d+ ms")
        .contains("from the 331 background CloudTrail events: 0")
        .contains("UNAUTHORIZED_ROOT_USE").contains("ROOT_LOGIN_WITHOUT_MFA").contains("ROTATION_OVERDUE")
        .contains("USAGE_AFTER_EXPIRY").contains("TOKEN_REUSE").contains("ROOT_ANTIPATTERN")
        .contains("ROOT_LOGIN_FAILED").contains("SELF_APPROVAL").contains("MISSING_APPROVALS")
        .contains("SCOPE_ESCALATION").contains("SESSION_OVERRUN").contains("MISSING_AUDIT_RECORD")
        .contains("DUPLICATE_GRANT").contains("REPEATED_BREAK_GLASS").contains("DENIED_ATTEMPTS")
        // the break-glass systems' own records, fed live: 08 (AuthZ gateway) and 09 (JIT controller)
        .contains("08-authz-gateway/break-glass-events.log").contains("08-authz-gateway/audit.log")
        .contains("09-jit-controller/2-jit_audit.s3-export.jsonl").contains("GRANT_ERROR").contains("EXCESSIVE_DURATION")
        .contains("REVOKE_FAILED for revokes without an IAM Identity Center assignment")
        .contains("493000b9-b2ac-4c2f-b843-6aeba4e73c23") // INC-77: the gateway grant Glasswatch cannot revoke
        .contains("input complete: clock tick at 2026-12-06T21:17:44")
        // 10: a JIT grant's AWS session outlives the gateway's revoke, an emergency role assumed with no request,
        // fed live (its CloudTrail after its grant) under the demo's policy, which lists the emergency role
        .contains("10-jit-session-in-aws/2-cloudtrail-210987654321.json")
        .contains("the demo's policy: the built-in defaults plus scenario 10's emergency role")
        .containsPattern("SESSION_OUTLIVED_GRANT +high +2\\n").containsPattern("EMERGENCY_ROLE_WITHOUT_REQUEST +critical +1\\n")
        .doesNotContainPattern("CONTAINMENT_FAILED +critical")
        .doesNotContain("only live:").doesNotContain("only replay:").doesNotContain("GATEWAY_AUDIT_TAMPERED")
        .contains("lifecycle transitions").contains("CONFIRMED")
        .contains("match").contains("Hash chains recomputed from Elasticsearch").contains("every chain intact")
        .contains("every check passed");
    assertThat(first).containsPattern("auto-revoke +\\S+ +CONFIRMED, time-to-revoke \\d+ ms .*assignment gone")
        .containsPattern("manual revoke +JIT-DEMO-MANUAL +CONFIRMED, time-to-revoke \\d+ ms .*trigger manual; assignment gone")
        .containsPattern("sweeper revoke +JIT-DEMO-SWEEP +CONFIRMED, time-to-revoke \\d+ ms .*trigger expiry; assignment gone")
        .contains("revoke paths: all three confirmed")
        // the containment service ends the sessions of 10's alerts: the emergency role, created in moto, is contained
        .containsPattern("EMERGENCY_ROLE_WITHOUT_REQUEST +account:210987654321 .*CONTAINED in \\d+\\.\\d s after detection"
            + " on role arn:aws:iam::210987654321:role/break-glass-emergency: sessions issued before \\S+ denied")
        .containsPattern("SESSION_OUTLIVED_GRANT +JIT-20240506-0007 +\\(priya@example.com\\) +(CONTAINED in|TARGET_ABSENT)")
        .doesNotContain("no containment result");
    // what each on-call channel's local receiver got: a count and one example each
    assertThat(first).containsPattern("pagerduty +[1-9]\\d* events \\([1-9]\\d* trigger, \\d+ resolve\\), e\\.g\\. trigger"
            + " dedup_key=\\S+ severity=(critical|error|warning|info): ")
        .containsPattern("slack +[1-9]\\d* messages, e\\.g\\. header \"[^\"]+\"")
        .containsPattern("mattermost +[1-9]\\d* messages, e\\.g\\. title \"[^\"]+\"")
        .contains("(local receivers; 0 requests rejected)")
        .containsPattern("[1-9]\\d* delivery attempts and outcomes: match");
    String second = runDemo(s);
    assertThat(second).contains("(same as the previous run)").contains("every check passed");
  }
}
