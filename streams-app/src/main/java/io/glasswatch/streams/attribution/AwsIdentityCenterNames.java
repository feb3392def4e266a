package io.glasswatch.streams.attribution;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.identitystore.IdentitystoreClient;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;

/**
 * {@link IdentityCenterNames} from the AWS APIs, cached: SSO Admin {@code DescribePermissionSet}
 * (docs.aws.amazon.com/singlesignon/latest/APIReference/API_DescribePermissionSet.html), Identity Store
 * {@code DescribeUser} (docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_DescribeUser.html)
 * and, to find an instance's identity store when none is configured, SSO Admin {@code ListInstances}
 * (docs.aws.amazon.com/singlesignon/latest/APIReference/API_ListInstances.html). The caller needs
 * {@code sso:DescribePermissionSet}, {@code sso:ListInstances} and {@code identitystore:DescribeUser}.
 *
 * <p>Cache: a name found is kept for the life of the process (permission set names and user names of an
 * assignment do not change while its grant lasts); a miss or an error is remembered for {@code retryAfter}, so
 * a failing API costs one call per id and interval. Errors are logged without credentials and answer null:
 * the grant's sessions are then attributed by access key only (its timeline says the names are unknown).
 * Thread-safe.
 */
public final class AwsIdentityCenterNames implements IdentityCenterNames {
  private static final Logger LOG = LoggerFactory.getLogger(AwsIdentityCenterNames.class);

  private final SsoAdminClient ssoAdmin;
  private final IdentitystoreClient identityStore;
  private final String identityStoreId;
  private final long retryAfterMillis;
  private final Supplier<Long> clock;
  private final Map<String, Optional<String>> names = new ConcurrentHashMap<>();
  private final Map<String, Long> missedAt = new ConcurrentHashMap<>();

  /**
   * @param ssoAdmin SSO Admin client (region of the Identity Center instance)
   * @param identityStore Identity Store client (same region)
   * @param identityStoreId the identity store id ({@code d-...}), or null to find it with {@code ListInstances}
   * @param retryAfter how long a miss or error is remembered before the next call
   */
  public AwsIdentityCenterNames(SsoAdminClient ssoAdmin, IdentitystoreClient identityStore, String identityStoreId,
      Duration retryAfter) {
    this(ssoAdmin, identityStore, identityStoreId, retryAfter, System::currentTimeMillis);
  }

  AwsIdentityCenterNames(SsoAdminClient ssoAdmin, IdentitystoreClient identityStore, String identityStoreId,
      Duration retryAfter, Supplier<Long> clock) {
    this.ssoAdmin = ssoAdmin;
    this.identityStore = identityStore;
    this.identityStoreId = identityStoreId == null || identityStoreId.isBlank() ? null : identityStoreId.strip();
    this.retryAfterMillis = retryAfter.toMillis();
    this.clock = clock;
  }

  @Override
  public String permissionSetName(String instanceArn, String permissionSetArn) {
    if (instanceArn == null || permissionSetArn == null) {
      return null;
    }
    return cached("ps|" + permissionSetArn, () -> ssoAdmin.describePermissionSet(r -> r.instanceArn(instanceArn)
        .permissionSetArn(permissionSetArn)).permissionSet().name());
  }

  @Override
  public String userName(String instanceArn, String principalId) {
    if (principalId == null) {
      return null;
    }
    String store = identityStoreId != null ? identityStoreId : identityStoreOf(instanceArn);
    if (store == null) {
      return null;
    }
    return cached("user|" + store + "|" + principalId,
        () -> identityStore.describeUser(r -> r.identityStoreId(store).userId(principalId)).userName());
  }

  /** The identity store of {@code instanceArn} from {@code ListInstances}, or null. */
  private String identityStoreOf(String instanceArn) {
    if (instanceArn == null) {
      return null;
    }
    return cached("instance|" + instanceArn, () -> ssoAdmin.listInstancesPaginator(r -> { }).instances().stream()
        .filter(i -> instanceArn.equals(i.instanceArn())).map(i -> i.identityStoreId()).findFirst().orElse(null));
  }

  private String cached(String key, Supplier<String> call) {
    Optional<String> hit = names.get(key);
    if (hit != null) {
      return hit.orElse(null);
    }
    Long missed = missedAt.get(key);
    long now = clock.get();
    if (missed != null && now - missed < retryAfterMillis) {
      return null;
    }
    try {
      String name = call.get();
      if (name != null && !name.isBlank()) {
        names.put(key, Optional.of(name));
        missedAt.remove(key);
        return name;
      }
    } catch (SdkException e) {
      LOG.warn("IAM Identity Center look-up {} failed ({}): the grant's sessions are matched by access key only",
          key, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    missedAt.put(key, now);
    return null;
  }
}
