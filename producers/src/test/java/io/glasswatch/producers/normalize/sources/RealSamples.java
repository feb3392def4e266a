package io.glasswatch.producers.normalize.sources;

import io.glasswatch.producers.input.InputReader;
import io.glasswatch.producers.normalize.core.NormalizeResult;
import io.glasswatch.producers.normalize.Normalizer;
import io.glasswatch.schema.GatewayEvent;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The real samples copied into the test resources ({@code real-sources/README.md}) and helpers to read them. */
final class RealSamples {
  static final String AUDIT_KEY = "harness-audit-key";
  static final String WEBHOOK_KEY_ID = "key-2026-01";
  static final String WEBHOOK_SECRET = "harness-signing-secret";
  static final String INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
  static final String PERMISSION_SET = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef";

  private RealSamples() {}

  /** The settings of the sample runs: audit key, webhook secret, a JIT deployment. */
  static SourceSettings settings() {
    return new SourceSettings(AUDIT_KEY.getBytes(StandardCharsets.UTF_8), null, INSTANCE, PERMISSION_SET,
        Duration.ofHours(4), Map.of(WEBHOOK_KEY_ID, WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8)));
  }

  static Path dir() {
    try {
      return Path.of(RealSamples.class.getResource("/real-sources/README.md").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path file(String relative) {
    return dir().resolve(relative);
  }

  /** Reads {@code files} with one normalizer of {@code settings}, in the order given. */
  static List<NormalizeResult> read(SourceSettings settings, String... files) {
    InputReader reader = new InputReader(new Normalizer(settings));
    return reader.readAll(java.util.Arrays.stream(files).map(RealSamples::file).toList());
  }

  static List<GatewayEvent> events(List<NormalizeResult> results) {
    return results.stream().filter(r -> r instanceof NormalizeResult.Normalized)
        .map(r -> (GatewayEvent) ((NormalizeResult.Normalized) r).value()).toList();
  }

  static List<NormalizeResult.Rejected> rejected(List<NormalizeResult> results) {
    return results.stream().filter(r -> r instanceof NormalizeResult.Rejected)
        .map(r -> (NormalizeResult.Rejected) r).toList();
  }

  static long skipped(List<NormalizeResult> results) {
    return results.stream().filter(r -> r instanceof NormalizeResult.Skipped).count();
  }
}
