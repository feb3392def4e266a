package io.glasswatch.streams.testing;

import io.glasswatch.schema.AccountAssignment;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.Hashing;
import io.glasswatch.schema.RevokeCommand;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.Topics;
import io.glasswatch.streams.replay.InputRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.avro.specific.SpecificRecord;

/** Builders of input values with realistic defaults, and their input records keyed per the topic catalogue. */
public final class Events {
  /** The account of most scenarios. */
  public static final String ACCOUNT = "111122223333";
  /** A base time of most scenarios. */
  public static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  private Events() {}

  /** {@code T0 + minutes}. */
  public static Instant at(double minutes) {
    return T0.plusMillis((long) (minutes * 60_000));
  }

  /** The fingerprint of a raw token, as the producers compute it. */
  public static String fp(String token) {
    return Hashing.tokenFingerprint(token);
  }

  private static GatewayEvent.Builder gateway(String type, String requestId, Instant t) {
    return GatewayEvent.newBuilder().setType(type).setRequestId(requestId).setTimestamp(t).setSourceDigest("");
  }

  private static GatewayEvent digest(GatewayEvent.Builder b) {
    GatewayEvent e = b.build();
    e.setSourceDigest(Hashing.sha256Hex(e.toString()));
    return e;
  }

  /** A request of {@code kind} (jit or root) by {@code subject} for {@code account}. */
  public static GatewayEvent request(String requestId, String subject, String account, String kind, Instant t) {
    return digest(gateway("request", requestId, t).setSubject(subject).setAccountId(account).setKind(kind)
        .setJustification("incident INC-42 needs emergency access").setTicketId("INC-42")
        .setScope(List.of("break_glass:elevated")));
  }

  /** An approval by {@code approver} in {@code role}, assurance loa2. */
  public static GatewayEvent approval(String requestId, String approver, String role, Instant t) {
    return digest(gateway("approval", requestId, t).setApprover(approver).setApproverRole(role).setApproverAcr("loa2"));
  }

  /** An approval by {@code approver} in {@code role} with assurance {@code acr} (may be null). */
  public static GatewayEvent approval(String requestId, String approver, String role, String acr, Instant t) {
    return digest(gateway("approval", requestId, t).setApprover(approver).setApproverRole(role).setApproverAcr(acr));
  }

  /**
   * {@code e} changed by {@code change}, with a new {@code sourceDigest} (a different input event), e.g.
   * {@code with(usage(..), b -> b.setTenant("acme"))}.
   */
  public static GatewayEvent with(GatewayEvent e, UnaryOperator<GatewayEvent.Builder> change) {
    return digest(change.apply(GatewayEvent.newBuilder(e).setSourceDigest("")));
  }

  /** A grant of {@code token} valid for {@code validFor}, recording {@code assignment} (may be null). */
  public static GatewayEvent grant(String requestId, String token, Instant t, Duration validFor, Boolean singleUse,
      AccountAssignment assignment) {
    return digest(gateway("grant", requestId, t).setTokenFingerprint(fp(token)).setExpiresAt(t.plus(validFor))
        .setSingleUse(singleUse).setAssignment(assignment)
        .setAccountId(assignment == null ? null : assignment.getAccountId()));
  }

  /** A usage of {@code token} with outcome allow or deny. */
  public static GatewayEvent usage(String requestId, String token, String subject, String outcome, Instant t) {
    return digest(gateway("usage", requestId, t).setTokenFingerprint(fp(token)).setSubject(subject)
        .setResource("arn:aws:s3:::incident-bucket").setAction("s3:GetObject").setOutcome(outcome));
  }

  /** An expiry with {@code reason}. */
  public static GatewayEvent expiry(String requestId, String reason, Instant t) {
    return digest(gateway("expiry", requestId, t).setReason(reason));
  }

  /** An out-of-band rotation declaration for {@code account}. */
  public static GatewayEvent rotation(String account, String credential, Instant t) {
    return digest(gateway("rotation", null, t).setAccountId(account).setCredential(credential).setActor("secops"));
  }

  /**
   * A break-glass root declaration (the root-login runbook's audit row) for {@code account}, naming
   * {@code requestId} (may be null) and declaring a session of {@code minutes}.
   */
  public static GatewayEvent declaration(String account, String requestId, Instant t, long minutes) {
    return digest(gateway("root_declaration", requestId, t).setAccountId(account).setActor("alice")
        .setActorRole("break_glass_root").setAction("break_glass_root_login").setOutcome("success")
        .setReason("INC-42 restore the IAM admin role").setIncidentChannel("#inc-42").setSourceIp("192.0.2.10")
        .setExpectedSessionDurationMinutes(minutes));
  }

  /** An IAM Identity Center assignment of a user to an admin permission set on {@code account}. */
  public static AccountAssignment assignment(String account, String principalId) {
    return AccountAssignment.newBuilder().setInstanceArn("arn:aws:sso:::instance/ssoins-0123456789abcdef")
        .setAccountId(account).setPermissionSetArn("arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef")
        .setPrincipalType("USER").setPrincipalId(principalId).build();
  }

  private static CloudTrailEvent.Builder cloudTrail(String id, String account, Instant t, String source, String name) {
    return CloudTrailEvent.newBuilder().setEventID(id).setEventTime(t).setEventSource(source).setEventName(name)
        .setEventType("AwsApiCall").setAwsRegion("us-east-1").setRecipientAccountId(account)
        .setSourceIPAddress("198.51.100.7").setUserAgent("Mozilla/5.0").setRecord("{}");
  }

  /** A root console sign-in; {@code mfa} YES or NO; {@code success} or not. */
  public static CloudTrailEvent rootLogin(String id, String account, Instant t, String mfa, boolean success) {
    return cloudTrail(id, account, t, "signin.amazonaws.com", "ConsoleLogin").setEventType("AwsConsoleSignIn")
        .setUserIdentityType("Root").setUserIdentityArn("arn:aws:iam::" + account + ":root").setMfaUsed(mfa)
        .setConsoleLogin(success ? "Success" : "Failure").setErrorMessage(success ? null : "Failed authentication")
        .build();
  }

  /** A successful root API call. */
  public static CloudTrailEvent rootCall(String id, String account, Instant t, String source, String name,
      String requestParametersJson, String responseElementsJson) {
    return cloudTrail(id, account, t, source, name).setUserIdentityType("Root")
        .setUserIdentityArn("arn:aws:iam::" + account + ":root").setRequestParametersJson(requestParametersJson)
        .setResponseElementsJson(responseElementsJson).build();
  }

  /** The root user's console password change (signin PasswordUpdated Success). */
  public static CloudTrailEvent rootPasswordUpdated(String id, String account, Instant t) {
    return cloudTrail(id, account, t, "signin.amazonaws.com", "PasswordUpdated").setEventType("AwsConsoleSignIn")
        .setUserIdentityType("Root").setUserIdentityArn("arn:aws:iam::" + account + ":root")
        .setResponseElementsJson("{\"PasswordUpdated\":\"Success\"}").build();
  }

  /** An IAM user's API call. */
  public static CloudTrailEvent userCall(String id, String account, Instant t, String name) {
    return cloudTrail(id, account, t, "ec2.amazonaws.com", name).setUserIdentityType("IAMUser")
        .setUserIdentityArn("arn:aws:iam::" + account + ":user/alice").setUserName("alice").build();
  }

  /** A RootCredentialUsage finding last seen at {@code t}. */
  public static GuardDutyFinding rootUsageFinding(String id, String account, Instant t, boolean sample) {
    return GuardDutyFinding.newBuilder().setId(id).setType("Policy:IAMUser/RootCredentialUsage").setSeverity(2.0)
        .setAccountId(account).setRegion("us-east-1").setCreatedAt(t).setUpdatedAt(t).setEventFirstSeen(t)
        .setEventLastSeen(t).setTitle("API ListBuckets was invoked using root credentials.").setSample(sample)
        .setResourceType("AccessKey").setAccessKeyUserType("Root").setAccessKeyUserName("root").setApi("ListBuckets")
        .setServiceName("s3.amazonaws.com").setCallerType("Remote IP").setRemoteIp("198.51.100.9").setFinding("{}")
        .build();
  }

  /** The executor's result of {@code cmd}. */
  public static RevokeResult result(RevokeCommand cmd, String outcome, Instant completedAt) {
    return RevokeResult.newBuilder().setCommandId(cmd.getCommandId()).setRequestId(cmd.getRequestId())
        .setCorrelationId(cmd.getCorrelationId()).setAlertId(cmd.getAlertId()).setTrigger(cmd.getTrigger())
        .setAssignment(cmd.getAssignment()).setOutcome(outcome)
        .setDeletionStatus("CONFIRMED".equals(outcome) ? "SUCCEEDED" : "FAILED").setAttempts(1)
        .setCommandIssuedAt(cmd.getIssuedAt()).setStartedAt(completedAt.minusMillis(900))
        .setDeleteRequestedAt(completedAt.minusMillis(800)).setCompletedAt(completedAt)
        .setTimeToRevokeMillis("CONFIRMED".equals(outcome) ? 950L : null)
        .setFailureReason("FAILED".equals(outcome) ? "AccessDeniedException" : null).build();
  }

  /** The input record of {@code value}: topic by type, key per the topic catalogue, timestamp = event time. */
  public static InputRecord in(SpecificRecord value) {
    if (value instanceof GatewayEvent g) {
      String key = g.getRequestId() != null ? g.getRequestId() : g.getAccountId();
      return new InputRecord(Topics.GATEWAY_EVENTS, key, g, null);
    } else if (value instanceof CloudTrailEvent c) {
      return new InputRecord(Topics.CLOUDTRAIL_EVENTS, c.getRecipientAccountId(), c, null);
    } else if (value instanceof GuardDutyFinding f) {
      return new InputRecord(Topics.GUARDDUTY_FINDINGS, f.getAccountId(), f, null);
    } else if (value instanceof RevokeResult r) {
      return new InputRecord(Topics.REVOKE_RESULTS, r.getCommandId(), r, null);
    }
    throw new IllegalArgumentException("not an input value: " + value.getClass());
  }

  /** A clock tick on cloudtrail-events at {@code t}. */
  public static InputRecord tick(Instant t) {
    return InputRecord.tick(Topics.CLOUDTRAIL_EVENTS, t);
  }
}
