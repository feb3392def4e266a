package io.glasswatch.streams.detection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GuardDutyFinding;
import java.util.Locale;
import java.util.Set;

/**
 * What a CloudTrail record or GuardDuty finding means for root detection.
 *
 * <ul>
 *   <li>Root activity (SPEC 1.2): {@code userIdentity.type == Root}, no {@code invokedBy}, and
 *       {@code eventType != AwsServiceEvent}. A failed call ({@code errorCode} present, or a console
 *       sign-in with {@code ConsoleLogin: Failure}) is recorded but does not open a root session.
 *   <li>GuardDuty {@code Policy:IAMUser/RootCredentialUsage} that is not a sample finding is root
 *       activity at {@code eventLastSeen}.
 *   <li>Root credential change (rotation evidence when authorized): signin {@code PasswordUpdated} with
 *       {@code responseElements.PasswordUpdated: Success}; iam {@code ChangePassword}; iam
 *       {@code CreateVirtualMFADevice}, {@code EnableMFADevice}, {@code DeactivateMFADevice},
 *       {@code DeleteVirtualMFADevice} for the root user (no {@code userName}, or {@code AWS ROOT USER});
 *       iam {@code CreateAccessKey}, {@code UpdateAccessKey}, {@code DeleteAccessKey} for the root user
 *       itself (no {@code requestParameters.userName}). Field conventions: CloudTrail user guide, "AWS
 *       Management Console sign-in events" and "IAM and AWS STS integration with CloudTrail".
 * </ul>
 */
public final class RootActivity {
  /** GuardDuty finding type of root credential use. */
  public static final String ROOT_CREDENTIAL_USAGE = "Policy:IAMUser/RootCredentialUsage";
  private static final Set<String> MFA_CHANGES =
      Set.of("CreateVirtualMFADevice", "EnableMFADevice", "DeactivateMFADevice", "DeleteVirtualMFADevice");
  private static final Set<String> KEY_CHANGES = Set.of("CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey");
  private static final ObjectMapper JSON = new ObjectMapper();

  private RootActivity() {}

  /** Root identity, not invoked by a service, not an AwsServiceEvent (SPEC 1.2). */
  public static boolean isRoot(CloudTrailEvent e) {
    return "Root".equals(e.getUserIdentityType()) && e.getInvokedBy() == null
        && !"AwsServiceEvent".equals(e.getEventType());
  }

  /** The call failed: an {@code errorCode}, or a console sign-in answered {@code Failure}. */
  public static boolean failed(CloudTrailEvent e) {
    return e.getErrorCode() != null || "Failure".equalsIgnoreCase(e.getConsoleLogin());
  }

  /** Root activity that succeeded: it opens or extends a root session. */
  public static boolean opensSession(CloudTrailEvent e) {
    return isRoot(e) && !failed(e);
  }

  /** A successful root {@code ConsoleLogin} whose {@code MFAUsed} is not YES (compared case-insensitively; absent counts as no). */
  public static boolean isLoginWithoutMfa(CloudTrailEvent e) {
    return isRoot(e) && "ConsoleLogin".equals(e.getEventName()) && "Success".equalsIgnoreCase(e.getConsoleLogin())
        && !"YES".equalsIgnoreCase(e.getMfaUsed());
  }

  /** A successful change of the root user's own credentials (see class Javadoc). */
  public static boolean isCredentialChange(CloudTrailEvent e) {
    if (!isRoot(e) || failed(e)) {
      return false;
    }
    String source = e.getEventSource();
    String name = e.getEventName();
    if ("signin.amazonaws.com".equals(source) && "PasswordUpdated".equals(name)) {
      JsonNode response = parse(e.getResponseElementsJson());
      return response != null && "Success".equalsIgnoreCase(response.path("PasswordUpdated").asText());
    }
    if (!"iam.amazonaws.com".equals(source)) {
      return false;
    }
    if ("ChangePassword".equals(name)) {
      return true;
    }
    JsonNode params = parse(e.getRequestParametersJson());
    String userName = params == null ? null : params.path("userName").asText(null);
    if (MFA_CHANGES.contains(name)) {
      return userName == null || "AWS ROOT USER".equalsIgnoreCase(userName)
          || params.path("serialNumber").asText("").toLowerCase(Locale.ROOT).contains("root-account-mfa-device");
    }
    if (KEY_CHANGES.contains(name)) {
      return userName == null;
    }
    return false;
  }

  /** A non-sample RootCredentialUsage finding. */
  public static boolean isRootCredentialUsage(GuardDutyFinding f) {
    return ROOT_CREDENTIAL_USAGE.equals(f.getType()) && !Boolean.TRUE.equals(f.getSample());
  }

  private static JsonNode parse(String json) {
    if (json == null || json.isBlank()) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(json);
      return n == null || n.isNull() || n.isMissingNode() ? null : n;
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
