package io.glasswatch.alerts.enforcement;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.ConcurrentModificationException;

/**
 * Builds the {@link IamClient} of role containment: the global IAM endpoint ({@code aws-global}), or the
 * {@code aws.sso-admin.endpoint} override when set (moto serves IAM and SSO Admin on one port), the same
 * credentials as the SSO Admin client ({@link SsoAdminClients}), and the SDK's standard retry strategy
 * plus IAM's {@code ConcurrentModification} (IAM API Reference, CommonErrors and PutRolePolicy errors).
 */
public final class IamClients {
  private IamClients() {}

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
   * A client from validated settings.
   *
   * @param revoke region and endpoint override
   * @param tuning retries and timeouts
   * @return a new client; close it when done
   */
  public static IamClient create(RevokeSettings revoke, SsoAdminClients.Tuning tuning) {
    String endpoint = revoke.ssoEndpoint();
    var builder = IamClient.builder()
        .credentialsProvider(SsoAdminClients.credentials(endpoint))
        .httpClientBuilder(ApacheHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(3))
            .socketTimeout(tuning.attemptTimeout()))
        .overrideConfiguration(c -> c
            .retryStrategy(retryStrategy(tuning))
            .apiCallAttemptTimeout(tuning.attemptTimeout())
            .apiCallTimeout(tuning.callTimeout())
            .addExecutionInterceptor(new SsoAdminClients.AttemptCounter()));
    if (endpoint.isBlank()) {
      builder.region(Region.AWS_GLOBAL);
    } else {
      builder.region(Region.of(revoke.region())).endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }
}
