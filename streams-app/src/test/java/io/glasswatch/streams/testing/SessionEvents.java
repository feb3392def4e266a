package io.glasswatch.streams.testing;

import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.CloudTrailEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Normalized CloudTrail records of AWS sessions (SPEC 1.6), in the shapes of the CloudTrail
 * {@code userIdentity} reference (docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html)
 * and the STS examples of docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html.
 */
public final class SessionEvents {
  /** The IAM Identity Center instance of the fixtures. */
  public static final String INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
  /** The BreakGlassAdmin permission set. */
  public static final String ADMIN_PS = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef";
  /** The ReadOnly permission set. */
  public static final String READONLY_PS = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-fedcba9876543210";
  /** Role of BreakGlassAdmin in every account. */
  public static final String ADMIN_ROLE = "AWSReservedSSO_BreakGlassAdmin_0a1b2c3d4e5f6789";
  /** Role of ReadOnly in every account. */
  public static final String READONLY_ROLE = "AWSReservedSSO_ReadOnly_9f8e7d6c5b4a3210";
  private static final DateTimeFormatter EXPIRATION = DateTimeFormatter.ofPattern("MMM d, yyyy, h:mm:ss a", Locale.US)
      .withZone(ZoneOffset.UTC);

  private SessionEvents() {}

  /** An assignment of user {@code principalId} to BreakGlassAdmin, with the names when {@code named}. */
  public static AccountAssignment adminAssignment(String account, String principalId, String userName, boolean named) {
    return AccountAssignment.newBuilder().setInstanceArn(INSTANCE).setAccountId(account).setPermissionSetArn(ADMIN_PS)
        .setPrincipalType("USER").setPrincipalId(principalId).setPermissionSetName(named ? "BreakGlassAdmin" : null)
        .setPrincipalName(named ? userName : null).build();
  }

  private static CloudTrailEvent.Builder base(String id, String account, Instant t, String source, String name) {
    return CloudTrailEvent.newBuilder().setEventID(id).setEventTime(t).setEventSource(source).setEventName(name)
        .setEventType("AwsApiCall").setAwsRegion("us-east-1").setRecipientAccountId(account)
        .setSourceIPAddress("198.51.100.7").setUserAgent("aws-cli/2.15.30").setRecord("{}");
  }

  /** The {@code AssumeRoleWithSAML} with which IAM Identity Center signs {@code user} into {@code role}. */
  public static CloudTrailEvent samlSignIn(String id, String account, Instant t, String role, String user, String key) {
    String roleArn = "arn:aws:iam::" + account + ":role/aws-reserved/sso.amazonaws.com/" + role;
    return base(id, account, t, "sts.amazonaws.com", "AssumeRoleWithSAML").setUserIdentityType("SAMLUser")
        .setUserIdentityPrincipalId("ZNTAzNzU2Nzg5MDE=:" + user).setUserName(user)
        .setRequestParametersJson("{\"sAMLAssertionID\":\"_a1b2c3\",\"roleSessionName\":\"" + user + "\",\"roleArn\":\""
            + roleArn + "\",\"principalArn\":\"arn:aws:iam::" + account
            + ":saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE\",\"durationSeconds\":3600}")
        .setResponseElementsJson("{\"credentials\":{\"accessKeyId\":\"" + key + "\",\"sessionToken\":\"[REDACTED]\","
            + "\"expiration\":\"" + EXPIRATION.format(t.plusSeconds(3600)) + "\"},\"assumedRoleUser\":{\"assumedRoleId\":"
            + "\"AROAEXAMPLE:" + user + "\",\"arn\":\"arn:aws:sts::" + account + ":assumed-role/" + role + "/" + user
            + "\"},\"subjectType\":\"persistent\",\"audience\":\"https://signin.aws.amazon.com/saml\"}")
        .build();
  }

  /** A call made with the temporary credentials {@code key} of {@code role}/{@code session}. */
  public static CloudTrailEvent sessionCall(String id, String account, Instant t, String role, String session,
      String key, String source, String name, String requestParametersJson) {
    return base(id, account, t, source, name).setUserIdentityType("AssumedRole")
        .setUserIdentityPrincipalId("AROAEXAMPLE:" + session)
        .setUserIdentityArn("arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session).setUserName(role)
        .setAccessKeyId(key).setSessionIssuerArn("arn:aws:iam::" + account + ":role/" + role)
        .setSessionCreationDate(t.minusSeconds(60)).setRequestParametersJson(requestParametersJson).build();
  }

  /** An {@code AssumeRole} of {@code roleArn} by an IAM user, opening session {@code key}. */
  public static CloudTrailEvent assumeRole(String id, String account, Instant t, String roleArn, String sessionName,
      String sourceIdentity, Integer durationSeconds, String key) {
    String role = roleArn.substring(roleArn.lastIndexOf('/') + 1);
    return base(id, account, t, "sts.amazonaws.com", "AssumeRole").setUserIdentityType("IAMUser")
        .setUserIdentityArn("arn:aws:iam::" + account + ":user/responder").setUserName("responder")
        .setAccessKeyId("AKIAIOSFODNN7EXAMPLE")
        .setRequestParametersJson("{\"roleArn\":\"" + roleArn + "\",\"roleSessionName\":\"" + sessionName + "\""
            + (sourceIdentity == null ? "" : ",\"sourceIdentity\":\"" + sourceIdentity + "\"")
            + (durationSeconds == null ? "" : ",\"durationSeconds\":" + durationSeconds) + "}")
        .setResponseElementsJson("{\"credentials\":{\"accessKeyId\":\"" + key + "\",\"sessionToken\":\"[REDACTED]\","
            + "\"expiration\":\"" + EXPIRATION.format(t.plusSeconds(durationSeconds == null ? 3600 : durationSeconds))
            + "\"},\"assumedRoleUser\":{\"assumedRoleId\":\"AROAEXAMPLE:" + sessionName + "\",\"arn\":\"arn:aws:sts::"
            + account + ":assumed-role/" + role + "/" + sessionName + "\"}"
            + (sourceIdentity == null ? "" : ",\"sourceIdentity\":\"" + sourceIdentity + "\"") + "}")
        .build();
  }
}
