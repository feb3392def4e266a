package io.glasswatch.alerts.enforcement;

import io.glasswatch.config.GlasswatchSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.ConflictException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Builds the {@link SsoAdminClient} the revoker uses: region from {@code aws.region}, endpoint
 * override from {@code aws.sso-admin.endpoint} when set, Apache HTTP client with bounded
 * timeouts, and the SDK's standard retry strategy configured for SSO Admin.
 *
 * <p>Retries (AWS SDK {@code StandardRetryStrategy}): throttling errors ({@code ThrottlingException}),
 * 5xx, I/O errors and {@code ConflictException} are retried up to {@code maxAttempts} attempts in
 * all, waiting {@code BackoffStrategy.exponentialDelay} (full jitter: uniform in
 * {@code [0, min(max, base * 2^(n-1))]}) with separate bases for throttling and other errors.
 *
 * <p>Credentials: without an endpoint override, the SDK's default provider chain (environment,
 * system properties, web identity, profile, container, instance profile). With an endpoint
 * override (moto, a test server) the cheap sources (system properties, environment, profile) are
 * tried and, when none has credentials, static placeholder credentials are used: emulators accept
 * any signature. Credentials never appear in logs.
 */
public final class SsoAdminClients {
  private static final Logger LOG = LoggerFactory.getLogger(SsoAdminClients.class);

  /**
   * Per-call attempt counter: a request that puts an {@link AtomicInteger} under this attribute
   * (via {@code overrideConfiguration(o -> o.putExecutionAttribute(ATTEMPTS, counter))}) has it
   * incremented once for every HTTP attempt, retries included.
   */
  public static final ExecutionAttribute<AtomicInteger> ATTEMPTS = new ExecutionAttribute<>("GlasswatchAttempts");

  /**
   * Client tuning.
   *
   * @param maxAttempts SDK attempts per call in all, 1-10
   * @param baseDelay backoff base of non-throttling retries
   * @param throttlingBaseDelay backoff base of throttling retries
   * @param maxDelay cap of each backoff wait
   * @param attemptTimeout timeout of one HTTP attempt
   * @param callTimeout timeout of one call, retries included
   */
  public record Tuning(int maxAttempts, Duration baseDelay, Duration throttlingBaseDelay, Duration maxDelay,
      Duration attemptTimeout, Duration callTimeout) {
    /** Validates ranges. */
    public Tuning {
      if (maxAttempts < 1 || maxAttempts > 10) {
        throw new IllegalArgumentException("maxAttempts must be 1-10, got " + maxAttempts);
      }
      for (Duration d : List.of(baseDelay, throttlingBaseDelay, maxDelay, attemptTimeout, callTimeout)) {
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("durations must be positive");
        }
      }
    }

    /**
     * Production tuning.
     *
     * @return 5 attempts, 100 ms base (500 ms when throttled), 5 s cap, 10 s per attempt, 45 s per call
     */
    public static Tuning defaults() {
      return new Tuning(5, Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(5),
          Duration.ofSeconds(10), Duration.ofSeconds(45));
    }

    /**
     * Short waits for local servers (tests, moto).
     *
     * @return 4 attempts, 10 ms base, 50 ms cap, 2 s per attempt, 10 s per call
     */
    public static Tuning fast() {
      return new Tuning(4, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(50),
          Duration.ofSeconds(2), Duration.ofSeconds(10));
    }
  }

  private SsoAdminClients() {}

  /** SSO Admin clients by target account: the role to assume may differ per account. */
  public interface Source extends AutoCloseable {
    /**
     * The client for revokes on {@code accountId}.
     *
     * @param accountId 12-digit target account
     * @return a client, shared between calls; never null
     */
    SsoAdminClient forAccount(String accountId);

    /** Closes every client created. */
    @Override
    void close();

    /**
     * One client for every account.
     *
     * @param client the client, closed by {@link #close()}
     * @return the source
     */
    static Source of(SsoAdminClient client) {
      return new Source() {
        @Override
        public SsoAdminClient forAccount(String accountId) {
          return client;
        }

        @Override
        public void close() {
          client.close();
        }
      };
    }
  }

  /**
   * Clients from settings: one per role to assume ({@link RevokeSettings#roleFor}), created on first
   * use. Without a role the client signs with the default credentials chain (see class Javadoc);
   * with a role it signs with STS {@code AssumeRole} session credentials (session name
   * {@code glasswatch-revoke}, refreshed by the SDK before they expire), the STS client itself
   * using the default chain, the same region and, when {@code aws.sso-admin.endpoint} is set, the
   * same endpoint (moto serves STS there too).
   *
   * @param settings {@code aws.region}, {@code aws.sso-admin.endpoint}, {@code revoke.assume-role-arn[.<account>]}
   * @param tuning retries and timeouts
   * @return the source; close it when done
   * @throws io.glasswatch.config.ConfigException when the region or a role setting is invalid
   */
  public static Source source(GlasswatchSettings settings, Tuning tuning) {
    return source(RevokeSettings.from(settings), tuning);
  }

  /**
   * As {@link #source(GlasswatchSettings, Tuning)} from validated settings.
   *
   * @param revoke region, endpoint and roles
   * @param tuning retries and timeouts
   * @return the source; close it when done
   */
  public static Source source(RevokeSettings revoke, Tuning tuning) {
    Map<String, SsoAdminClient> byRole = new ConcurrentHashMap<>();
    List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    return new Source() {
      @Override
      public SsoAdminClient forAccount(String accountId) {
        String role = revoke.roleFor(accountId);
        return byRole.computeIfAbsent(role, r -> {
          if (r.isEmpty()) {
            return create(revoke, tuning);
          }
          LOG.info("SSO Admin calls for account {} assume role {}", accountId, r);
          return create(revoke, tuning, assumeRole(revoke, r, "glasswatch-revoke", closeables));
        });
      }

      @Override
      public void close() {
        byRole.values().forEach(SsoAdminClient::close);
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

  /**
   * The retry strategy of {@link #create}: the SDK's standard strategy plus {@code ConflictException}.
   *
   * @param tuning attempts and backoff
   * @return a strategy for {@code overrideConfiguration(c -> c.retryStrategy(..))}
   */
  public static RetryStrategy retryStrategy(Tuning tuning) {
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(tuning.maxAttempts())
        .backoffStrategy(BackoffStrategy.exponentialDelay(tuning.baseDelay(), tuning.maxDelay()))
        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(tuning.throttlingBaseDelay(), tuning.maxDelay()))
        .retryOnException(ConflictException.class)
        .build();
  }

  /**
   * A client from settings.
   *
   * @param settings {@code aws.region} and optional {@code aws.sso-admin.endpoint}
   * @param tuning retries and timeouts
   * @return a new client; close it when done
   * @throws io.glasswatch.config.ConfigException when a revoke setting or the policy file is invalid
   */
  public static SsoAdminClient create(GlasswatchSettings settings, Tuning tuning) {
    return create(RevokeSettings.from(settings), tuning);
  }

  /**
   * A client from validated settings.
   *
   * @param revoke region and optional endpoint override
   * @param tuning retries and timeouts
   * @return a new client; close it when done
   */
  public static SsoAdminClient create(RevokeSettings revoke, Tuning tuning) {
    return create(revoke, tuning, credentials(revoke.ssoEndpoint()));
  }

  private static SsoAdminClient create(RevokeSettings revoke, Tuning tuning, AwsCredentialsProvider credentials) {
    var builder = configure(SsoAdminClient.builder(), credentials, retryStrategy(tuning), tuning);
    builder.region(Region.of(revoke.region()));
    if (!revoke.ssoEndpoint().isBlank()) {
      builder.endpointOverride(URI.create(revoke.ssoEndpoint()));
    }
    return builder.build();
  }

  /**
   * The client construction shared by the SSO Admin and IAM clients: credentials, an Apache HTTP client
   * (connect timeout 3 s, socket timeout one attempt), the given retry strategy, attempt and call timeouts
   * and the {@link #ATTEMPTS} counter. Region and endpoint are the caller's (IAM is global).
   *
   * @param builder a fresh client builder
   * @param credentials the credentials provider
   * @param retry the service's retry strategy
   * @param tuning timeouts
   * @param <B> the builder type
   * @return {@code builder}
   */
  static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder,
      AwsCredentialsProvider credentials, RetryStrategy retry, Tuning tuning) {
    builder.credentialsProvider(credentials)
        .httpClientBuilder(ApacheHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(3))
            .socketTimeout(tuning.attemptTimeout()));
    builder.overrideConfiguration(c -> c
        .retryStrategy(retry)
        .apiCallAttemptTimeout(tuning.attemptTimeout())
        .apiCallTimeout(tuning.callTimeout())
        .addExecutionInterceptor(new AttemptCounter()));
    return builder;
  }

  /**
   * Credentials of an assumed role: STS {@code AssumeRole} session credentials, refreshed by the SDK before
   * they expire ({@code StsAssumeRoleCredentialsProvider}); the STS client signs with {@link #credentials}
   * in {@code aws.region}, at {@code aws.sso-admin.endpoint} when set (moto serves STS there too).
   *
   * @param revoke region and endpoint
   * @param roleArn the role to assume
   * @param sessionName the role session name (CloudTrail shows it)
   * @param closeables receives the STS client and the provider, for the caller to close
   * @return the provider
   */
  static AwsCredentialsProvider assumeRole(RevokeSettings revoke, String roleArn, String sessionName,
      List<AutoCloseable> closeables) {
    String endpoint = revoke.ssoEndpoint();
    var sts = StsClient.builder().region(Region.of(revoke.region())).credentialsProvider(credentials(endpoint));
    if (!endpoint.isBlank()) {
      sts.endpointOverride(URI.create(endpoint));
    }
    StsClient stsClient = sts.build();
    StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder()
        .stsClient(stsClient)
        .refreshRequest(b -> b.roleArn(roleArn).roleSessionName(sessionName))
        .build();
    closeables.add(provider);
    closeables.add(stsClient);
    return provider;
  }

  /**
   * Whether AWS credentials can be found without an endpoint override (the default chain resolves).
   *
   * @return false when no source in the default chain has credentials
   */
  public static boolean defaultCredentialsAvailable() {
    try (DefaultCredentialsProvider p = DefaultCredentialsProvider.builder().build()) {
      p.resolveCredentials();
      return true;
    } catch (SdkClientException e) {
      return false;
    }
  }

  static AwsCredentialsProvider credentials(String endpoint) {
    if (endpoint.isBlank()) {
      return DefaultCredentialsProvider.builder().build();
    }
    AwsCredentialsProviderChain cheap = AwsCredentialsProviderChain.builder()
        .credentialsProviders(SystemPropertyCredentialsProvider.create(), EnvironmentVariableCredentialsProvider.create(),
            ProfileCredentialsProvider.create())
        .reuseLastProviderEnabled(true)
        .build();
    try {
      cheap.resolveCredentials();
      LOG.info("SSO Admin endpoint override {}: using configured AWS credentials", endpoint);
      return cheap;
    } catch (SdkClientException e) {
      LOG.info("SSO Admin endpoint override {}: no AWS credentials configured, using placeholder credentials", endpoint);
      return StaticCredentialsProvider.create(AwsBasicCredentials.create("glasswatch-local", "glasswatch-local"));
    }
  }

  /** Counts HTTP attempts into the request's {@link #ATTEMPTS} counter, when it has one. */
  static final class AttemptCounter implements ExecutionInterceptor {
    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      AtomicInteger counter = attributes.getAttribute(ATTEMPTS);
      if (counter != null) {
        counter.incrementAndGet();
      }
    }
  }
}
