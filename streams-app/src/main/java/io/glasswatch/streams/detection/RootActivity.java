package io.glasswatch.streams.detection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GuardDutyFinding;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a CloudTrail record or GuardDuty finding means for root detection. Field conventions: CloudTrail
 * user guide, "CloudTrail record contents", "AWS Management Console sign-in events" and "IAM and AWS
 * STS integration with CloudTrail".
 *
 * <ul>
 *   <li>Root activity (SPEC 1.2): {@code userIdentity.type == Root}, no {@code invokedBy}, and
 *       {@code eventType != AwsServiceEvent}.
 *   <li>Failed: an {@code errorCode}, or a sign-in record ({@code eventType AwsConsoleSignIn} or
 *       {@code eventSource signin.amazonaws.com}) whose {@code responseElements} answer
 *       {@code Failure} ({@code ConsoleLogin: Failure}, {@code PasswordUpdated: Failure},
 *       {@code ExternalIdPDirectoryLogin: Failure}, ...).
 *   <li>Root USE: root activity that did not fail; a {@code ConsoleLogin} counts only when its outcome
 *       is {@code Success} (a record whose outcome is a placeholder is recorded, nothing more). Root use
 *       opens or extends a root session. A non-sample GuardDuty {@code Policy:IAMUser/RootCredentialUsage}
 *       finding is root use at {@code eventLastSeen}.
 *   <li>Failed root sign-in: root activity {@code ConsoleLogin} with {@code ConsoleLogin: Failure}. It
 *       opens no session; with no covering grant it is ROOT_LOGIN_FAILED. Other failed root calls are
 *       recorded only.
 *   <li>Console root call: a successful call of the root user made through the console
 *       ({@code invokedBy signin.amazonaws.com}, not an AwsServiceEvent). It is not root use under SPEC
 *       1.2, but it counts for ROOT_ANTIPATTERN and, under a grant, as rotation evidence. Calls that
 *       other AWS services invoke on root's behalf count for nothing.
 *   <li>Root credential change (rotation evidence when authorized): signin {@code PasswordUpdated} with
 *       {@code responseElements.PasswordUpdated: Success}; iam {@code ChangePassword}; iam
 *       {@code CreateVirtualMFADevice}, {@code EnableMFADevice}, {@code DeactivateMFADevice},
 *       {@code DeleteVirtualMFADevice} for the root user (no {@code userName}, or {@code AWS ROOT USER});
 *       iam {@code CreateAccessKey}, {@code UpdateAccessKey}, {@code DeleteAccessKey} for the root user
 *       itself (no {@code requestParameters.userName}); made as root use or as a console root call.
 * </ul>
 */
public final class RootActivity {
  /** GuardDuty finding type of root credential use. */
  public static final String ROOT_CREDENTIAL_USAGE = "Policy:IAMUser/RootCredentialUsage";
  /** {@code userIdentity.invokedBy} of calls the root user makes through the AWS Management Console. */
  public static final String CONSOLE = "signin.amazonaws.com";
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

  /**
   * The call failed: an {@code errorCode}, a console sign-in answered {@code Failure}, or a sign-in
   * record whose {@code responseElements} hold a top-level value {@code Failure} (case-insensitive).
   */
  public static boolean failed(CloudTrailEvent e) {
    if (e.getErrorCode() != null || "Failure".equalsIgnoreCase(e.getConsoleLogin())) {
      return true;
    }
    if (!"AwsConsoleSignIn".equals(e.getEventType()) && !CONSOLE.equals(e.getEventSource())) {
      return false;
    }
    JsonNode response = parse(e.getResponseElementsJson());
    if (response == null || !response.isObject()) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = response.fields(); it.hasNext(); ) {
      JsonNode v = it.next().getValue();
      if (v.isTextual() && "Failure".equalsIgnoreCase(v.asText())) {
        return true;
      }
    }
    return false;
  }

  /** Root use (see class Javadoc): root activity that succeeded; a ConsoleLogin only with outcome Success. */
  public static boolean isRootUse(CloudTrailEvent e) {
    if (!isRoot(e) || failed(e)) {
      return false;
    }
    return !"ConsoleLogin".equals(e.getEventName()) || "Success".equalsIgnoreCase(e.getConsoleLogin());
  }

  /** Same as {@link #isRootUse(CloudTrailEvent)}: root use opens or extends a root session. */
  public static boolean opensSession(CloudTrailEvent e) {
    return isRootUse(e);
  }

  /** A root {@code ConsoleLogin} answered {@code Failure}. */
  public static boolean isFailedRootLogin(CloudTrailEvent e) {
    return isRoot(e) && "ConsoleLogin".equals(e.getEventName()) && "Failure".equalsIgnoreCase(e.getConsoleLogin());
  }

  /** A successful root call made through the console ({@code invokedBy signin.amazonaws.com}, not an AwsServiceEvent). */
  public static boolean isConsoleRootCall(CloudTrailEvent e) {
    return "Root".equals(e.getUserIdentityType()) && CONSOLE.equals(e.getInvokedBy())
        && !"AwsServiceEvent".equals(e.getEventType()) && !failed(e);
  }

  /** A successful root call by root use or through the console: what ROOT_ANTIPATTERN looks at. */
  public static boolean isSuccessfulRootCall(CloudTrailEvent e) {
    return isRootUse(e) || isConsoleRootCall(e);
  }

  /**
   * A successful root call to IAM ({@code eventSource iam.amazonaws.com}): the only calls ROOT_ANTIPATTERN
   * judges (SPEC section 3; an S3 {@code PutBucketPolicy} matches {@code Put*Policy} but is no IAM
   * anti-pattern).
   */
  public static boolean isSuccessfulRootIamCall(CloudTrailEvent e) {
    return isSuccessfulRootCall(e) && "iam.amazonaws.com".equals(e.getEventSource());
  }

  /** A successful root {@code ConsoleLogin} whose {@code MFAUsed} is not YES (compared case-insensitively; absent counts as no). */
  public static boolean isLoginWithoutMfa(CloudTrailEvent e) {
    return isRoot(e) && "ConsoleLogin".equals(e.getEventName()) && "Success".equalsIgnoreCase(e.getConsoleLogin())
        && !"YES".equalsIgnoreCase(e.getMfaUsed());
  }

  /** A successful change of the root user's own credentials (see class Javadoc). */
  public static boolean isCredentialChange(CloudTrailEvent e) {
    if (!isSuccessfulRootCall(e)) {
      return false;
    }
    String source = e.getEventSource();
    String name = e.getEventName();
    if (CONSOLE.equals(source) && "PasswordUpdated".equals(name)) {
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

  /**
   * The console session a record was made in: {@code <creationDate>|<sourceIPAddress>} from the record's
   * {@code userIdentity.sessionContext.attributes.creationDate} (CloudTrail userIdentity element,
   * docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html), or
   * null when the record has no creation date (a ConsoleLogin, an access-key call) or cannot be read.
   */
  public static String consoleSession(CloudTrailEvent e) {
    JsonNode record = parse(e.getRecord());
    if (record == null) {
      return null;
    }
    String created = record.path("userIdentity").path("sessionContext").path("attributes").path("creationDate")
        .asText(null);
    return created == null || created.isBlank() ? null : created + "|" + e.getSourceIPAddress();
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
