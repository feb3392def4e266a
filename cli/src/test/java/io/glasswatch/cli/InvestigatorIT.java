package io.glasswatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.alerts.enforcement.SsoAdminClients;
import io.glasswatch.cli.demo.DemoScenarios;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.schema.Hashing;
import io.glasswatch.sinks.elasticsearch.ElasticsearchConnection;
import io.glasswatch.sinks.timeline.TimelineIndexTemplate;
import io.glasswatch.sinks.timeline.TimelineQueries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssoadmin.model.PrincipalType;
import software.amazon.awssdk.services.ssoadmin.model.TargetType;

/**
 * The investigator's commands on real Kafka, Apicurio Registry, Elasticsearch and moto: the JIT
 * token-reuse scenario runs through the live pipeline, then {@code timeline}, {@code verify} and
 * {@code evidence} read Elasticsearch; an administrator edits one document and deletes another, and
 * {@code verify} names both.
 */
class InvestigatorIT {
  /** Actions of a revoke's final result in the timeline. */
  private static final java.util.Set<Object> FINAL_RESULTS =
      java.util.Set.of("revoke_confirmed", "revoke_already_absent", "revoke_failed");

  private static final String REQUEST = "JIT-20230314-0042";
  private static final String ACCOUNT = "444455556666";
  private static final String RAW_TOKEN = "jit_tok_3f9a8c71e2d44b0a";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private record Run(int status, String out, String err) {}

  private static Run cli(GlasswatchSettings s, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = GlasswatchCli.execute(s, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }


  @Test
  void timelineVerifyAndEvidenceReadTheRecordAndVerifyNamesAnAdministratorsEdit() throws Exception {
    GlasswatchSettings s = ItNamespace.prepare("investigator", dir);
    try (var sso = SsoAdminClients.create(s, SsoAdminClients.Tuning.defaults())) {
      sso.createAccountAssignment(b -> b.instanceArn("arn:aws:sso:::instance/ssoins-1111222233334444")
          .targetId(ACCOUNT).targetType(TargetType.AWS_ACCOUNT)
          .permissionSetArn("arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-5555666677778888")
          .principalType(PrincipalType.USER).principalId("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"));
    }
    Path input = DemoScenarios.extract(dir.resolve("scenarios")).get(3);

    List<Map<String, Object>> docs;
    try (Pipeline pipeline = Pipeline.start(s, Pipeline.all(), System.out);
        TimelineQueries q = new TimelineQueries(s)) {
      assertThat(cli(s, "produce", "--sorted", "--clock-tick", input.toString()).status()).isZero();
      // the sink creates the index while this polls: a search may meet its shard not yet started (503)
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class).untilAsserted(() -> {
        List<Map<String, Object>> d = q.timeline(REQUEST);
        // every revoke requested (the two alerts', and the expiry sweep's when it comes first) has its final result
        List<Object> enforcement = d.stream().filter(x -> "enforcement".equals(gw(x).get("kind")))
            .map(x -> ((Map<?, ?>) x.get("event")).get("action")).map(Object.class::cast).toList();
        assertThat(enforcement).filteredOn("revoke_requested"::equals).hasSizeGreaterThanOrEqualTo(2);
        assertThat(enforcement).filteredOn(a -> FINAL_RESULTS.contains(a))
            .hasSize((int) enforcement.stream().filter("revoke_requested"::equals).count());
        assertThat(d).filteredOn(x -> "alert".equals(gw(x).get("kind"))).hasSize(2);
        assertThat(d).filteredOn(x -> "lifecycle_closed".equals(((Map<?, ?>) x.get("event")).get("action"))).hasSize(1);
      });
    }
    // the pipeline drained and stopped: the record is complete and stays as it is
    try (TimelineQueries q = new TimelineQueries(s)) {
      docs = q.timeline(REQUEST);
    }

    // timeline: the readable table with alert marks, JSON and Markdown
    Run table = cli(s, "timeline", REQUEST);
    assertThat(table.status()).as(table.err()).isZero();
    assertThat(table.out()).contains("SEQ", "ACTOR", "ALERT", "!! high TOKEN_REUSE", "!! high USAGE_AFTER_EXPIRY",
        "<- TOKEN_REUSE", "revoke_confirmed", "erin@example.com");
    assertThat(table.out().lines().count()).isEqualTo(docs.size() + 1);
    Run json = cli(s, "timeline", REQUEST, "--format", "json");
    JsonNode array = JSON.readTree(json.out());
    assertThat(array.size()).isEqualTo(docs.size());
    assertThat(array.get(0).path("glasswatch").path("sequence").asLong()).isEqualTo(1);
    assertThat(cli(s, "timeline", REQUEST, "--format", "markdown").out()).startsWith("| seq | time (UTC) |");
    Run account = cli(s, "timeline", "account:" + ACCOUNT, "--since", "2023-03-14");
    assertThat(account.status()).isZero();
    assertThat(account.out()).contains("TOKEN_REUSE");
    assertThat(cli(s, "timeline", "account:" + ACCOUNT, "--since", "2030-01-01").status()).isEqualTo(1);
    assertThat(cli(s, "timeline", "NO-SUCH-REQUEST").status()).isEqualTo(1);

    // verify: intact
    Run ok = cli(s, "verify", REQUEST);
    assertThat(ok.status()).as(ok.out()).isZero();
    assertThat(ok.out()).contains("OK      " + REQUEST + ": " + docs.size() + " entries");
    assertThat(cli(s, "verify", "--all").status()).isZero();

    // evidence: one archive, manifest digests match, no raw token
    Path bundle = dir.resolve("evidence.zip");
    Run evidence = cli(s, "evidence", REQUEST, "--out", bundle.toString());
    assertThat(evidence.status()).as(evidence.err()).isZero();
    Map<String, byte[]> files = unzip(bundle);
    assertThat(files.keySet()).containsExactly("timeline.json", "timeline.md", "alerts.json", "revoke-results.json",
        "activity.json", "chain-proof.json", "policy.txt", "manifest.json");
    JsonNode manifest = JSON.readTree(files.get("manifest.json"));
    assertThat(manifest.path("files").size()).isEqualTo(7);
    for (JsonNode f : manifest.path("files")) {
      assertThat(Hashing.sha256Hex(files.get(f.path("name").asText()))).isEqualTo(f.path("sha256").asText());
    }
    assertThat(evidence.out()).contains("sha256 " + Hashing.sha256Hex(Files.readAllBytes(bundle)));
    assertThat(JSON.readTree(files.get("alerts.json"))).extracting(a -> a.path("alertType").asText())
        .containsExactlyInAnyOrder("TOKEN_REUSE", "USAGE_AFTER_EXPIRY");
    List<String> revokeActions = new java.util.ArrayList<>();
    JSON.readTree(files.get("revoke-results.json")).forEach(a -> revokeActions.add(a.path("action").asText()));
    assertThat(revokeActions).allMatch(a -> a.startsWith("revoke_"))
        .contains("revoke_requested", "revoke_already_absent")
        .containsOnlyOnce("revoke_confirmed"); // one revoke removes the assignment, the others find it gone
    JsonNode proof = JSON.readTree(files.get("chain-proof.json"));
    assertThat(proof.path("intact").asBoolean()).isTrue();
    assertThat(proof.path("entries").size()).isEqualTo(docs.size());
    assertThat(new String(files.get("policy.txt"), StandardCharsets.UTF_8)).contains("built-in defaults", "Policy[");
    assertThat(new String(files.get("timeline.md"), StandardCharsets.UTF_8)).contains("hash chain: intact");
    for (byte[] content : files.values()) {
      assertThat(new String(content, StandardCharsets.UTF_8)).doesNotContain(RAW_TOKEN, s.get(GlasswatchSettings.ES_ADMIN_PASSWORD));
    }

    // an administrator edits one document and deletes another: verify names both and exits 1
    String edited = (String) gw(docs.get(2)).get("entry_id");
    String deleted = (String) gw(docs.get(4)).get("entry_id");
    String afterGap = (String) gw(docs.get(5)).get("entry_id");
    try (ElasticsearchConnection admin = ElasticsearchConnection.admin(s)) {
      var c = admin.client();
      String pattern = TimelineIndexTemplate.pattern(s.get(GlasswatchSettings.ES_TIMELINE_INDEX));
      @SuppressWarnings("rawtypes")
      Hit<Map> hit = c.search(r -> r.index(pattern).query(qq -> qq.ids(i -> i.values(edited))), Map.class)
          .hits().hits().get(0);
      @SuppressWarnings("unchecked")
      Map<String, Object> changed = new LinkedHashMap<>((Map<String, Object>) hit.source());
      changed.put("message", "nothing happened here");
      c.index(r -> r.index(hit.index()).id(edited).document(changed));
      String deletedIndex = c.search(r -> r.index(pattern).query(qq -> qq.ids(i -> i.values(deleted))), Map.class)
          .hits().hits().get(0).index();
      c.delete(r -> r.index(deletedIndex).id(deleted));
      c.indices().refresh(r -> r.index(pattern));
    }
    Run broken = cli(s, "verify", REQUEST);
    assertThat(broken.status()).isEqualTo(1);
    assertThat(broken.out()).contains("BROKEN  " + REQUEST)
        .containsPattern("EDITED +seq 3 +" + java.util.regex.Pattern.quote(edited))
        .containsPattern("MISSING +seq 6 +" + java.util.regex.Pattern.quote(afterGap))
        .contains("sequence 5 missing");
    assertThat(cli(s, "verify", "--all").status()).isEqualTo(1);
    Run tampered = cli(s, "evidence", REQUEST, "--out", dir.resolve("tampered.zip").toString());
    assertThat(tampered.status()).isZero();
    assertThat(tampered.err()).contains("hash chain of " + REQUEST + " is broken");
    JsonNode tamperedProof = JSON.readTree(unzip(dir.resolve("tampered.zip")).get("chain-proof.json"));
    assertThat(tamperedProof.path("intact").asBoolean()).isFalse();
    assertThat(tamperedProof.path("findings").findValuesAsText("entryId")).containsExactly(edited, afterGap);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> gw(Map<String, Object> doc) {
    return (Map<String, Object>) doc.get("glasswatch");
  }

  private static Map<String, byte[]> unzip(Path zip) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }
}
