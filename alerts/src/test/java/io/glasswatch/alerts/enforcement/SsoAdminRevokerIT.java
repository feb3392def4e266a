package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.PrincipalType;
import software.amazon.awssdk.services.ssoadmin.model.TargetType;

/**
 * {@link SsoAdminRevoker} against moto's IAM Identity Center: a real assignment is created with
 * CreateAccountAssignment, revoked, and shown gone by ListAccountAssignments.
 */
class SsoAdminRevokerIT {
  private static final Logger LOG = LoggerFactory.getLogger(SsoAdminRevokerIT.class);
  private static GlasswatchSettings settings;
  private static SsoAdminClient admin;
  private static String instanceArn;
  private static String permissionSetArn;

  @BeforeAll
  static void moto() {
    settings = TestStack.settings(Component.MOTO).with(GlasswatchSettings.REVOKE_DRY_RUN, "false");
    assertThat(settings.isSet(GlasswatchSettings.SSO_ENDPOINT)).as("moto endpoint in settings").isTrue();
    admin = SsoAdminClients.create(settings, SsoAdminClients.Tuning.fast());
    // moto creates one IAM Identity Center instance per account and region; ListInstances finds it
    instanceArn = admin.listInstances(r -> {}).instances().getFirst().instanceArn();
    permissionSetArn = admin.createPermissionSet(r -> r.instanceArn(instanceArn)
        .name("BreakGlass-" + UUID.randomUUID().toString().substring(0, 8))).permissionSet().permissionSetArn();
  }

  @AfterAll
  static void close() {
    if (admin != null) {
      admin.close();
    }
  }

  static AccountAssignment assign(String accountId) {
    String principal = UUID.randomUUID().toString();
    admin.createAccountAssignment(r -> r.instanceArn(instanceArn).permissionSetArn(permissionSetArn)
        .principalType(PrincipalType.USER).principalId(principal)
        .targetType(TargetType.AWS_ACCOUNT).targetId(accountId));
    return AccountAssignment.newBuilder().setInstanceArn(instanceArn).setAccountId(accountId)
        .setPermissionSetArn(permissionSetArn).setPrincipalType("USER").setPrincipalId(principal).build();
  }

  static List<String> principalsOn(String accountId) {
    return admin.listAccountAssignmentsPaginator(r -> r.instanceArn(instanceArn).accountId(accountId)
        .permissionSetArn(permissionSetArn)).accountAssignments().stream().map(a -> a.principalId()).toList();
  }

  @Test
  void revokesARealAssignmentAndConfirmsItIsGoneThenReportsAlreadyAbsent() {
    String account = "210987654321";
    AccountAssignment target = assign(account);
    AccountAssignment bystander = assign(account);
    assertThat(principalsOn(account)).contains(target.getPrincipalId(), bystander.getPrincipalId());

    try (SsoAdminRevoker revoker = SsoAdminRevoker.fromSettings(settings)) {
      assertThat(revoker.isDryRun()).isFalse();
      Instant detected = Instant.now();
      RevokeResult first = revoker.revoke(SsoAdminRevokerWireTest.command("it-cmd-1", target, detected));
      LOG.info("moto revoke: outcome {} timeToRevokeMillis {} attempts {}", first.getOutcome(),
          first.getTimeToRevokeMillis(), first.getAttempts());

      assertThat(first.getOutcome()).isEqualTo("CONFIRMED");
      assertThat(first.getDeletionStatus()).isEqualTo("SUCCEEDED");
      assertThat(first.getDeletionRequestId()).isNotBlank();
      assertThat(first.getAttempts()).isEqualTo(1);
      assertThat(first.getTimeToRevokeMillis()).isNotNull().isBetween(0L, 30_000L);
      assertThat(principalsOn(account)).doesNotContain(target.getPrincipalId()).contains(bystander.getPrincipalId());

      RevokeResult again = revoker.revoke(SsoAdminRevokerWireTest.command("it-cmd-2", target, detected));
      assertThat(again.getOutcome()).isEqualTo("ALREADY_ABSENT");
      assertThat(again.getAttempts()).isZero();
      assertThat(principalsOn(account)).contains(bystander.getPrincipalId());
    }
  }

  @Test
  void reportsAlreadyAbsentWhenThePrincipalHoldsAnotherPermissionSet() {
    AccountAssignment held = assign("310987654321");
    AccountAssignment other = AccountAssignment.newBuilder(held)
        .setPermissionSetArn(admin.createPermissionSet(r -> r.instanceArn(instanceArn)
            .name("ReadOnly-" + UUID.randomUUID().toString().substring(0, 8))).permissionSet().permissionSetArn())
        .build();
    try (SsoAdminRevoker revoker = SsoAdminRevoker.fromSettings(settings)) {
      RevokeResult r = revoker.revoke(SsoAdminRevokerWireTest.command("it-cmd-3", other, null));
      assertThat(r.getOutcome()).isEqualTo("ALREADY_ABSENT");
      assertThat(r.getDeletionRequestId()).isNull();
    }
    assertThat(principalsOn("310987654321")).contains(held.getPrincipalId());
  }

  @Test
  void leavesTheAssignmentInPlaceInDryRun() {
    AccountAssignment a = assign("410987654321");
    try (SsoAdminRevoker revoker = SsoAdminRevoker.fromSettings(settings.with(GlasswatchSettings.REVOKE_DRY_RUN, "true"))) {
      RevokeResult r = revoker.revoke(SsoAdminRevokerWireTest.command("it-cmd-4", a, null));
      assertThat(r.getOutcome()).isEqualTo("DRY_RUN");
    }
    assertThat(principalsOn("410987654321")).contains(a.getPrincipalId());
  }
}
