package io.glasswatch.alerts.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import io.glasswatch.config.GlasswatchSettings;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

class IamClientsTest {
  private static GlasswatchSettings base() {
    return GlasswatchSettings.builder().set(GlasswatchSettings.SSO_ENDPOINT, "http://127.0.0.1:9").build();
  }

  @Test
  void withoutTheSettingEveryAccountSharesOneClientWithTheDefaultCredentials() {
    try (IamClients.Source s = IamClients.source(RevokeSettings.from(base()), SsoAdminClients.Tuning.fast())) {
      IamClient a = s.apply("123456789012");
      assertThat(s.apply("210987654321")).isSameAs(a);
      assertThat(a.serviceClientConfiguration().credentialsProvider())
          .isNotInstanceOf(StsAssumeRoleCredentialsProvider.class);
    }
  }

  @Test
  void withTheSettingEachAccountGetsAClientSigningWithItsOwnAssumedRole() {
    RevokeSettings r = RevokeSettings.from(base().with(GlasswatchSettings.CONTAINMENT_ROLE_ARN,
        "arn:aws:iam::{accountId}:role/GlasswatchContainment"));
    try (IamClients.Source s = IamClients.source(r, SsoAdminClients.Tuning.fast())) {
      IamClient a = s.apply("123456789012");
      IamClient b = s.apply("210987654321");
      assertThat(b).isNotSameAs(a);
      assertThat(s.apply("123456789012")).isSameAs(a);
      assertThat(a.serviceClientConfiguration().credentialsProvider()).isInstanceOf(StsAssumeRoleCredentialsProvider.class);
      assertThat(b.serviceClientConfiguration().credentialsProvider()).isInstanceOf(StsAssumeRoleCredentialsProvider.class);
    }
  }
}
