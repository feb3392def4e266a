package io.glasswatch.streams.attribution;

import io.glasswatch.config.GlasswatchSettings;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.identitystore.IdentitystoreClient;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;

/**
 * The {@link IdentityCenterNames} of the live streams app, from the settings:
 * {@value GlasswatchSettings#ATTRIBUTION_LOOKUP} false (the default) gives {@link IdentityCenterNames#NONE};
 * true gives {@link AwsIdentityCenterNames} with clients in {@value GlasswatchSettings#AWS_REGION}, endpoint
 * overrides {@value GlasswatchSettings#SSO_ENDPOINT} and {@value GlasswatchSettings#IDENTITY_STORE_ENDPOINT}
 * (an emulator such as moto: placeholder credentials), the identity store
 * {@value GlasswatchSettings#ATTRIBUTION_IDENTITY_STORE}, 5 s call timeouts, the SDK's standard retries, and a
 * miss remembered for 5 minutes. Real AWS: the default credentials chain.
 */
public final class IdentityCenterLookups {
  private IdentityCenterLookups() {}

  /** The names the live app looks up (see the class Javadoc). */
  public static IdentityCenterNames from(GlasswatchSettings settings) {
    if (!settings.getBoolean(GlasswatchSettings.ATTRIBUTION_LOOKUP)) {
      return IdentityCenterNames.NONE;
    }
    Region region = Region.of(settings.get(GlasswatchSettings.AWS_REGION));
    String ssoEndpoint = settings.get(GlasswatchSettings.SSO_ENDPOINT);
    String storeEndpoint = settings.get(GlasswatchSettings.IDENTITY_STORE_ENDPOINT);
    var sso = SsoAdminClient.builder().region(region).httpClientBuilder(ApacheHttpClient.builder())
        .credentialsProvider(credentials(ssoEndpoint))
        .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(5)));
    if (!ssoEndpoint.isBlank()) {
      sso.endpointOverride(URI.create(ssoEndpoint));
    }
    var store = IdentitystoreClient.builder().region(region).httpClientBuilder(ApacheHttpClient.builder())
        .credentialsProvider(credentials(storeEndpoint))
        .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(5)));
    if (!storeEndpoint.isBlank()) {
      store.endpointOverride(URI.create(storeEndpoint));
    }
    return new AwsIdentityCenterNames(sso.build(), store.build(),
        settings.get(GlasswatchSettings.ATTRIBUTION_IDENTITY_STORE), Duration.ofMinutes(5));
  }

  private static AwsCredentialsProvider credentials(String endpoint) {
    return endpoint.isBlank() ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
  }
}
