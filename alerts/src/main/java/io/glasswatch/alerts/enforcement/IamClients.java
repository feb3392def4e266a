package io.glasswatch.alerts.enforcement;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.ConcurrentModificationException;

/**
 * Builds the {@link IamClient}s of role containment: the global IAM endpoint ({@code aws-global}), or the
 * {@code aws.sso-admin.endpoint} override when set (moto serves IAM and SSO Admin on one port), the client
 * construction shared with the SSO Admin client ({@link SsoAdminClients#configure}), and the SDK's standard
 * retry strategy plus IAM's {@code ConcurrentModification} (IAM API Reference, CommonErrors and
 * PutRolePolicy errors).
 *
 * <p>Credentials: emergency roles live in member accounts, and IAM calls act on the account of the
 * credentials. Without {@code containment.assume-role-arn} every client uses the default credentials
 * chain as the SSO Admin client does; with it, the client for a role's account signs with STS
 * {@code AssumeRole} session credentials of that account's role (the setting's {@code {accountId}}
 * replaced; session name {@value #SESSION_NAME}), one client per role, created on first use
 * (IAM User Guide, "Switch to an IAM role (AWS API)", docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-api.html).
 */
public final class IamClients {
  /** The role session name of containment's IAM calls (CloudTrail shows it). */
  public static final String SESSION_NAME = "glasswatch-containment";
  private static final Logger LOG = LoggerFactory.getLogger(IamClients.class);

  private IamClients() {}

  /** IAM clients by the account of the role they act on; closing closes every client created. */
  public interface Source extends Function<String, IamClient>, AutoCloseable {
    /** Closes every client created. */
    @Override
    void close();
  }

  /**
   * The retry strategy: standard, with {@code ConcurrentModificationException} retried.
   *
   * @param tuning attempts and backoff
   * @return the strategy
   */
  public static RetryStrategy retryStrategy(SsoAdminClients.Tuning tuning) {
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(tuning.maxAttempts())
        .backoffStrategy(BackoffStrategy.exponentialDelay(tuning.baseDelay(), tuning.maxDelay()))
        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(tuning.throttlingBaseDelay(), tuning.maxDelay()))
        .retryOnException(ConcurrentModificationException.class)
        .build();
  }

  /**
   * A client with the default credentials (no role assumed).
   *
   * @param revoke region and endpoint override
   * @param tuning retries and timeouts
   * @return a new client; close it when done
   */
  public static IamClient create(RevokeSettings revoke, SsoAdminClients.Tuning tuning) {
    return create(revoke, tuning, SsoAdminClients.credentials(revoke.ssoEndpoint()));
  }

  private static IamClient create(RevokeSettings revoke, SsoAdminClients.Tuning tuning, AwsCredentialsProvider credentials) {
    var builder = SsoAdminClients.configure(IamClient.builder(), credentials, retryStrategy(tuning), tuning);
    String endpoint = revoke.ssoEndpoint();
    if (endpoint.isBlank()) {
      builder.region(Region.AWS_GLOBAL);
    } else {
      builder.region(Region.of(revoke.region())).endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }

  /**
   * Clients by account from settings: one default-credentials client for every account when
   * {@code containment.assume-role-arn} is empty; else one client per account's role
   * ({@link RevokeSettings#containmentRoleFor}), signing with its assumed-role credentials.
   *
   * @param revoke region, endpoint and the role setting
   * @param tuning retries and timeouts
   * @return the source; close it when done
   */
  public static Source source(RevokeSettings revoke, SsoAdminClients.Tuning tuning) {
    Map<String, IamClient> byRole = new ConcurrentHashMap<>();
    List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    return new Source() {
      @Override
      public IamClient apply(String accountId) {
        String role = revoke.containmentRoleFor(accountId);
        return byRole.computeIfAbsent(role, r -> {
          if (r.isEmpty()) {
            return create(revoke, tuning);
          }
          LOG.info("IAM calls of containment in account {} assume role {}", accountId, r);
          return create(revoke, tuning, SsoAdminClients.assumeRole(revoke, r, SESSION_NAME, closeables));
        });
      }

      @Override
      public void close() {
        byRole.values().forEach(IamClient::close);
        for (AutoCloseable c : closeables) {
          try {
            c.close();
          } catch (Exception e) {
            LOG.debug("closing {}: {}", c.getClass().getSimpleName(), e.toString());
          }
        }
      }
    };
  }
}
