package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.ContainCommand;
import io.glasswatch.schema.ContainResult;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;

/**
 * {@link SessionContainer} against moto for the calls moto implements: IAM Identity Center
 * Get/Put/DeleteInlinePolicy(For|To|From)PermissionSet, ProvisionPermissionSet (moto answers SUCCEEDED at
 * once; DescribePermissionSetProvisioningStatus is not implemented there, see
 * {@link SessionContainerWireTest}) and DescribePermissionSet; IAM GetRole, Get/Put/DeleteRolePolicy.
 */
class SessionContainerIT {
  private static final String OTHERS = "{\"Version\": \"2012-10-17\",\n \"Statement\": [ {\"Sid\": \"ReadOnly\", "
      + "\"Effect\": \"Allow\", \"Action\": \"s3:Get*\", \"Resource\": \"*\"} ]}";
  private static GlasswatchSettings settings;
  private static SsoAdminClient admin;
  private static IamClient iam;
  private static String instanceArn;

  @BeforeAll
  static void moto() {
    settings = TestStack.settings(Component.MOTO).with(GlasswatchSettings.REVOKE_DRY_RUN, "false");
    admin = SsoAdminClients.create(settings, SsoAdminClients.Tuning.fast());
    iam = IamClients.create(RevokeSettings.from(settings), SsoAdminClients.Tuning.fast());
    instanceArn = admin.listInstances(r -> { }).instances().getFirst().instanceArn();
  }

  @AfterAll
  static void close() {
    if (admin != null) {
      admin.close();
      iam.close();
    }
  }

  private static SessionContainer container() {
    return new SessionContainer(SsoAdminClients.Source.of(SsoAdminClients.create(settings, SsoAdminClients.Tuning.fast())),
        account -> iam, () -> { }, SessionContainer.Options.fast(Duration.ofSeconds(10)), Clock.systemUTC());
  }

  private static ContainCommand command(String id, String account, AccountAssignment a, String roleArn) {
    Instant now = Instant.now();
    return ContainCommand.newBuilder().setCommandId(id).setCorrelationId("req-it").setTrigger("revoke")
        .setReason("it").setAccountId(account).setAssignment(a).setRoleArn(roleArn).setDeniedBefore(now)
        .setIssuedAt(now).setDetectedAtWallClock(now).build();
  }

  @Test
  void containsAPermissionSetUserKeepingTheExistingInlinePolicyAndCleansUpToItsBytes() {
    String ps = admin.createPermissionSet(r -> r.instanceArn(instanceArn).sessionDuration("PT2H")
        .name("BreakGlass-" + UUID.randomUUID().toString().substring(0, 8))).permissionSet().permissionSetArn();
    admin.putInlinePolicyToPermissionSet(r -> r.instanceArn(instanceArn).permissionSetArn(ps).inlinePolicy(OTHERS));
    AccountAssignment a = AccountAssignment.newBuilder().setInstanceArn(instanceArn).setAccountId("123456789012")
        .setPermissionSetArn(ps).setPrincipalType("USER").setPrincipalId(UUID.randomUUID().toString()).build();

    try (SessionContainer c = container()) {
      ContainResult r = c.contain(command("contain:it-ps-" + UUID.randomUUID(), "123456789012", a, null),
          Duration.ofSeconds(60), SessionContainer.Listener.NONE);

      assertThat(r.getOutcome()).as(String.valueOf(r.getFailureReason())).isEqualTo("CONTAINED");
      assertThat(r.getProvisioningStatus()).isEqualTo("SUCCEEDED");
      assertThat(r.getCleanupAfter()).isEqualTo(r.getDeniedBefore().plus(Duration.ofHours(2)));
      String merged = admin.getInlinePolicyForPermissionSet(x -> x.instanceArn(instanceArn).permissionSetArn(ps))
          .inlinePolicy();
      assertThat(InlinePolicyText.sids(merged)).containsExactly("ReadOnly", r.getStatementSid());
      assertThat(merged).contains(a.getPrincipalId());

      assertThat(c.cleanUp(r, SessionContainer.Listener.NONE).getOutcome()).isEqualTo("CLEANED_UP");
      assertThat(admin.getInlinePolicyForPermissionSet(x -> x.instanceArn(instanceArn).permissionSetArn(ps))
          .inlinePolicy()).isEqualTo(OTHERS);
    }
  }

  @Test
  void containsAnEmergencyRoleInItsOwnInlinePolicyAndDeletesItAtCleanUp() {
    String name = "Emergency-" + UUID.randomUUID().toString().substring(0, 8);
    String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
        + "\"arn:aws:iam::123456789012:root\"},\"Action\":\"sts:AssumeRole\"}]}";
    String roleArn = iam.createRole(r -> r.roleName(name).assumeRolePolicyDocument(trust).maxSessionDuration(7200))
        .role().arn();
    iam.putRolePolicy(r -> r.roleName(name).policyName("Ops").policyDocument(OTHERS));

    try (SessionContainer c = container()) {
      ContainResult r = c.contain(command("contain:it-role-" + UUID.randomUUID(), "123456789012", null, roleArn),
          Duration.ofSeconds(60), SessionContainer.Listener.NONE);

      assertThat(r.getOutcome()).as(String.valueOf(r.getFailureReason())).isEqualTo("CONTAINED");
      assertThat(r.getTargetType()).isEqualTo("IAM_ROLE");
      assertThat(r.getProvisioningRequestId()).isNull();
      assertThat(r.getCleanupAfter()).isEqualTo(r.getDeniedBefore().plus(Duration.ofHours(2)));
      String ours = RolePolicy.decode(iam.getRolePolicy(x -> x.roleName(name).policyName(RolePolicy.POLICY_NAME))
          .policyDocument());
      assertThat(InlinePolicyText.sids(ours)).containsExactly(r.getStatementSid());
      assertThat(ours).contains("aws:TokenIssueTime");

      assertThat(c.cleanUp(r, SessionContainer.Listener.NONE).getOutcome()).isEqualTo("CLEANED_UP");
      assertThat(iam.listRolePolicies(x -> x.roleName(name)).policyNames()).containsExactly("Ops");
      assertThat(URLDecoder.decode(iam.getRolePolicy(x -> x.roleName(name).policyName("Ops")).policyDocument(),
          StandardCharsets.UTF_8)).isEqualTo(OTHERS);
    }
  }

  @Test
  void aMissingRoleOrPermissionSetIsNothingToContain() {
    try (SessionContainer c = container()) {
      ContainResult r = c.contain(command("contain:it-missing", "123456789012", null,
          "arn:aws:iam::123456789012:role/NoSuchRole-" + UUID.randomUUID()), Duration.ofSeconds(60),
          SessionContainer.Listener.NONE);
      assertThat(r.getOutcome()).isEqualTo("TARGET_ABSENT");
      assertThat(r.getFailureReason()).contains("NoSuchEntity");
      AccountAssignment gone = AccountAssignment.newBuilder().setInstanceArn(instanceArn).setAccountId("123456789012")
          .setPermissionSetArn(instanceArn.replace(":instance/", ":permissionSet/") + "/ps-0000000000000000")
          .setPrincipalType("USER").setPrincipalId("u").build();
      ContainResult ps = c.contain(command("contain:it-missing-ps", "123456789012", gone, null), Duration.ofSeconds(60),
          SessionContainer.Listener.NONE);
      assertThat(ps.getOutcome()).isEqualTo("TARGET_ABSENT");
      assertThat(ps.getFailureReason()).contains("ResourceNotFoundException");
    }
  }

  @Test
  void withContainmentAssumeRoleArnTheRolesAccountIsReachedThroughItsAssumedRole() {
    String member = "210987654321";
    GlasswatchSettings withRole = settings.with(GlasswatchSettings.CONTAINMENT_ROLE_ARN,
        "arn:aws:iam::" + RevokeSettings.ACCOUNT_ID + ":role/GlasswatchContainment");
    RevokeSettings revoke = RevokeSettings.from(withRole);
    try (IamClients.Source clients = IamClients.source(revoke, SsoAdminClients.Tuning.fast())) {
      IamClient inMember = clients.apply(member);
      // the calls act in the member account: moto keeps one IAM per account and answers by the credentials' account
      var provider = (software.amazon.awssdk.auth.credentials.AwsCredentialsProvider)
          inMember.serviceClientConfiguration().credentialsProvider();
      try (var sts = software.amazon.awssdk.services.sts.StsClient.builder()
          .region(software.amazon.awssdk.regions.Region.of(revoke.region()))
          .endpointOverride(java.net.URI.create(revoke.ssoEndpoint())).credentialsProvider(provider).build()) {
        assertThat(sts.getCallerIdentity(r -> { }).arn())
            .isEqualTo("arn:aws:sts::" + member + ":assumed-role/GlasswatchContainment/" + IamClients.SESSION_NAME);
      }
      String name = "Emergency-" + UUID.randomUUID().toString().substring(0, 8);
      String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
          + "\"arn:aws:iam::" + member + ":root\"},\"Action\":\"sts:AssumeRole\"}]}";
      String roleArn = inMember.createRole(r -> r.roleName(name).assumeRolePolicyDocument(trust)).role().arn();
      assertThat(roleArn).startsWith("arn:aws:iam::" + member + ":role/");

      SessionContainer c = new SessionContainer(SsoAdminClients.Source.of(SsoAdminClients.create(settings,
          SsoAdminClients.Tuning.fast())), clients, () -> { }, SessionContainer.Options.fast(Duration.ofSeconds(10)),
          Clock.systemUTC());
      try (c) {
        ContainResult r = c.contain(command("contain:it-member-" + UUID.randomUUID(), member, null, roleArn),
            Duration.ofSeconds(60), SessionContainer.Listener.NONE);
        assertThat(r.getOutcome()).as(String.valueOf(r.getFailureReason())).isEqualTo("CONTAINED");
        String ours = RolePolicy.decode(inMember.getRolePolicy(x -> x.roleName(name).policyName(RolePolicy.POLICY_NAME))
            .policyDocument());
        assertThat(InlinePolicyText.sids(ours)).containsExactly(r.getStatementSid());
      }
      // the default credentials act in another account, where the role does not exist
      assertThatThrownBy(() -> iam.getRole(x -> x.roleName(name)))
          .isInstanceOf(software.amazon.awssdk.services.iam.model.NoSuchEntityException.class);
    }
  }
}
