package io.glasswatch.alerts.enforcement;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * The {@value #POLICY_NAME} inline policy of an emergency IAM role (IAM API Reference,
 * docs.aws.amazon.com/IAM/latest/APIReference/): {@code GetRolePolicy} (its document is URL-encoded,
 * RFC 3986, and decoded here), {@code PutRolePolicy}, {@code DeleteRolePolicy}; {@code GetRole} gives
 * {@code MaxSessionDuration} (seconds, 3600 to 43200). Glasswatch keeps its statements in a policy of its
 * own name, so the role's other inline policies are never read or written; IAM applies a role policy
 * without provisioning (eventually consistent: AWS notes it may take a few minutes).
 */
final class RolePolicy implements PolicyTarget {
  /** Name of the inline policy holding Glasswatch's statements. */
  static final String POLICY_NAME = "GlasswatchContainment";

  private final IamClient client;
  private final String roleArn;
  private final String roleName;

  RolePolicy(IamClient client, String roleArn) {
    this.client = Objects.requireNonNull(client, "client");
    this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
    this.roleName = roleName(roleArn);
  }

  /**
   * The role name of an ARN: the last path element of {@code arn:aws:iam::<account>:role/<path/>name}.
   *
   * @param roleArn the role ARN
   * @return the name
   */
  static String roleName(String roleArn) {
    int slash = roleArn.lastIndexOf('/');
    if (!roleArn.contains(":role/") || slash < 0 || slash == roleArn.length() - 1) {
      throw new IllegalArgumentException("not an IAM role ARN: " + roleArn);
    }
    return roleArn.substring(slash + 1);
  }

  @Override
  public String arn() {
    return roleArn;
  }

  @Override
  public String type() {
    return "IAM_ROLE";
  }

  @Override
  public Optional<String> read() {
    try {
      String doc = client.getRolePolicy(r -> r.roleName(roleName).policyName(POLICY_NAME)).policyDocument();
      return Optional.ofNullable(doc).map(RolePolicy::decode);
    } catch (NoSuchEntityException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw ContainException.translate("GetRolePolicy", e);
    }
  }

  /** IAM returns policy documents URL-encoded; a document that already starts as JSON is returned as is. */
  static String decode(String doc) {
    String t = doc.strip();
    return t.startsWith("{") ? doc : URLDecoder.decode(doc, StandardCharsets.UTF_8);
  }

  @Override
  public int write(String document) {
    AtomicInteger attempts = new AtomicInteger();
    try {
      client.putRolePolicy(r -> r.roleName(roleName).policyName(POLICY_NAME).policyDocument(document)
          .overrideConfiguration(o -> o.putExecutionAttribute(SsoAdminClients.ATTEMPTS, attempts)));
      return Math.max(1, attempts.get());
    } catch (SdkException e) {
      throw ContainException.translate("PutRolePolicy", e);
    }
  }

  @Override
  public void delete() {
    try {
      client.deleteRolePolicy(r -> r.roleName(roleName).policyName(POLICY_NAME));
    } catch (NoSuchEntityException e) {
      // already gone
    } catch (SdkException e) {
      throw ContainException.translate("DeleteRolePolicy", e);
    }
  }

  @Override
  public Provisioned provision(Duration timeout, ProvisionListener listener) {
    return Provisioned.NONE;
  }

  @Override
  public Duration maxSessionDuration() {
    try {
      Integer s = client.getRole(r -> r.roleName(roleName)).role().maxSessionDuration();
      return Duration.ofSeconds(s == null ? 3600 : s);
    } catch (SdkException e) {
      throw ContainException.translate("GetRole", e);
    }
  }

  @Override
  public String toString() {
    return "role " + roleArn + " (inline policy " + POLICY_NAME + ")";
  }
}
