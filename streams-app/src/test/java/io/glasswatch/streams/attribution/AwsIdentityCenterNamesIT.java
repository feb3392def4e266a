package io.glasswatch.streams.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.stack.Component;
import io.glasswatch.testing.TestStack;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.identitystore.IdentitystoreClient;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.InstanceMetadata;

/**
 * The IAM Identity Center look-ups against moto, which implements SSO Admin {@code ListInstances},
 * {@code CreatePermissionSet} and {@code DescribePermissionSet}, and Identity Store {@code CreateUser} and
 * {@code DescribeUser}.
 */
class AwsIdentityCenterNamesIT {
  @Test
  void findsThePermissionSetAndUserNamesAndAnswersNullForUnknownIds() {
    GlasswatchSettings s = TestStack.settings(Component.MOTO);
    String endpoint = s.get(GlasswatchSettings.SSO_ENDPOINT);
    assertThat(endpoint).as("moto endpoint").isNotBlank();
    var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    try (SsoAdminClient sso = SsoAdminClient.builder().region(Region.US_EAST_1).credentialsProvider(creds)
            .endpointOverride(URI.create(endpoint)).build();
        IdentitystoreClient store = IdentitystoreClient.builder().region(Region.US_EAST_1).credentialsProvider(creds)
            .endpointOverride(URI.create(endpoint)).build()) {
      InstanceMetadata instance = sso.listInstances(r -> { }).instances().get(0);
      String ps = sso.createPermissionSet(r -> r.instanceArn(instance.instanceArn()).name("BreakGlassAdmin"))
          .permissionSet().permissionSetArn();
      String user = store.createUser(r -> r.identityStoreId(instance.identityStoreId()).userName("priya@example.com")
          .displayName("Priya").name(n -> n.givenName("Priya").familyName("Raman"))).userId();

      IdentityCenterNames names = IdentityCenterLookups.from(s.with(GlasswatchSettings.ATTRIBUTION_LOOKUP, "true")
          .with(GlasswatchSettings.IDENTITY_STORE_ENDPOINT, endpoint));

      assertThat(names.permissionSetName(instance.instanceArn(), ps)).isEqualTo("BreakGlassAdmin");
      // no identity store configured: found with ListInstances
      assertThat(names.userName(instance.instanceArn(), user)).isEqualTo("priya@example.com");
      assertThat(names.userName(instance.instanceArn(), "00000000-0000-0000-0000-000000000000")).isNull();
      assertThat(names.userName("arn:aws:sso:::instance/ssoins-unknown", user)).isNull();

    }
  }

  @Test
  void withLookUpsDisabledNoNameIsKnownAndNoClientIsBuilt() {
    assertThat(IdentityCenterLookups.from(GlasswatchSettings.builder().build())).isSameAs(IdentityCenterNames.NONE);
  }
}
