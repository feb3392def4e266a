package io.glasswatch.streams.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.streams.testing.Events;
import io.glasswatch.streams.testing.SessionEvents;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionFactsTest {
  private static final String ACCOUNT = "111122223333";
  private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

  @Test
  void readsTheRoleAndSessionNameOfAnAssumedRoleCaller() {
    SessionFacts f = SessionFacts.of(SessionEvents.sessionCall("e1", ACCOUNT, T, SessionEvents.ADMIN_ROLE, "alice",
        "ASIAEXAMPLE1", "ec2.amazonaws.com", "DescribeInstances", null));
    assertThat(f.roleName()).isEqualTo(SessionEvents.ADMIN_ROLE);
    assertThat(f.sessionName()).isEqualTo("alice");
    assertThat(f.accessKeyId()).isEqualTo("ASIAEXAMPLE1");
    assertThat(f.opened()).isNull();
  }

  @Test
  void readsTheSessionAnAssumeRoleWithSamlOpenedWithItsCloudTrailExpiration() {
    SessionFacts.Opened o = SessionFacts.of(SessionEvents.samlSignIn("e2", ACCOUNT, T, SessionEvents.ADMIN_ROLE,
        "alice", "ASIAEXAMPLE2")).opened();
    assertThat(o.eventName()).isEqualTo("AssumeRoleWithSAML");
    assertThat(o.roleName()).isEqualTo(SessionEvents.ADMIN_ROLE);
    assertThat(o.roleSessionName()).isEqualTo("alice");
    assertThat(o.accessKeyId()).isEqualTo("ASIAEXAMPLE2");
    assertThat(o.durationSeconds()).isEqualTo(3600L);
    // "Mar 1, 2025, 11:00:00 AM" as CloudTrail writes it, in UTC
    assertThat(o.expiresAt()).isEqualTo(T.plusSeconds(3600).toEpochMilli());
    assertThat(o.failed()).isFalse();
  }

  @Test
  void theSubjectOfAnAssumeRoleIsItsSourceIdentityElseItsSessionName() {
    CloudTrailEvent withSource = SessionEvents.assumeRole("e3", ACCOUNT, T,
        "arn:aws:iam::" + ACCOUNT + ":role/break-glass-emergency", "incident-42", "alice", 900, "ASIAEXAMPLE3");
    CloudTrailEvent without = SessionEvents.assumeRole("e4", ACCOUNT, T,
        "arn:aws:iam::" + ACCOUNT + ":role/break-glass-emergency", "bob", null, null, "ASIAEXAMPLE4");
    assertThat(SessionFacts.of(withSource).opened().subject()).isEqualTo("alice");
    assertThat(SessionFacts.of(withSource).opened().durationSeconds()).isEqualTo(900L);
    assertThat(SessionFacts.of(without).opened().subject()).isEqualTo("bob");
    assertThat(SessionFacts.of(without).opened().durationSeconds()).isNull();
  }

  @Test
  void aKmsCallNamesItsKeyFromTheRequestElseFromItsResources() {
    CloudTrailEvent generate = SessionEvents.sessionCall("e5", ACCOUNT, T, SessionEvents.ADMIN_ROLE, "alice", "ASIA1",
        "kms.amazonaws.com", "GenerateDataKey", "{\"keyId\":\"alias/backup\",\"keySpec\":\"AES_256\"}");
    CloudTrailEvent decrypt = CloudTrailEvent.newBuilder(SessionEvents.sessionCall("e6", ACCOUNT, T,
        SessionEvents.ADMIN_ROLE, "alice", "ASIA1", "kms.amazonaws.com", "Decrypt",
        "{\"encryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}"))
        .setRecord("{\"resources\":[{\"accountId\":\"" + ACCOUNT + "\",\"type\":\"AWS::KMS::Key\",\"ARN\":\"arn:aws:kms:"
            + "us-east-1:" + ACCOUNT + ":key/1234abcd-12ab-34cd-56ef-1234567890ab\"}]}").build();
    assertThat(SessionFacts.kmsKey(generate)).isEqualTo("alias/backup");
    assertThat(SessionFacts.kmsKey(decrypt)).isEqualTo("arn:aws:kms:us-east-1:" + ACCOUNT
        + ":key/1234abcd-12ab-34cd-56ef-1234567890ab");
    assertThat(SessionFacts.kmsKey(Events.userCall("e7", ACCOUNT, T, "DescribeInstances"))).isNull();
  }

  @Test
  void longTermCredentialsBelongToNoSession() {
    CloudTrailEvent user = Events.userCall("e8", ACCOUNT, T, "DescribeInstances");
    assertThat(SessionFacts.mayBelongToSession(user)).isFalse();
    assertThat(SessionFacts.of(user)).isEqualTo(new SessionFacts(null, null, null, null));
  }

  @Test
  void anUnreadableExpirationReadsAsUnknown() {
    assertThat(SessionFacts.expiration("sometime tomorrow")).isNull();
    assertThat(SessionFacts.expiration("2025-03-01T11:00:00Z")).isEqualTo(T.plusSeconds(3600).toEpochMilli());
    assertThat(SessionFacts.expiration("Mar 1, 2025 11:00:00 AM")).isEqualTo(T.plusSeconds(3600).toEpochMilli());
  }
}
