package io.glasswatch.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ElasticsearchServerTest {

  private static final Credentials CREDS =
      new Credentials("adm", "admin-secret-1", "snk", "sink-secret-2", "rdr", "reader-secret-3");

  @Test
  void configBindsLoopbackWithSecurityAndTransportOnPortPlus100() {
    String yml = ElasticsearchServer.elasticsearchYml(19200, Path.of("/s/es/data"), Path.of("/s/es/logs"));

    assertThat(yml).contains("network.host: 127.0.0.1", "http.port: 19200", "transport.port: 19300",
        "discovery.type: single-node", "xpack.security.enabled: true", "xpack.security.http.ssl.enabled: false",
        "path.data: '/s/es/data'", "path.logs: '/s/es/logs'");
    assertThat(yml).doesNotContain("xpack.ml", "geoip");
  }

  @Test
  void quotesPathsWithSingleQuotesForYaml() {
    String yml = ElasticsearchServer.elasticsearchYml(1, Path.of("/it's/data"), Path.of("/l"));
    assertThat(yml).contains("path.data: '/it''s/data'");
  }

  @Test
  void writerRoleMayOnlyAppendToTimelineIndices() {
    String roles = ElasticsearchServer.rolesYml("glasswatch-timeline");

    assertThat(roles).contains("glasswatch_timeline_writer:", "names: [ 'glasswatch-timeline*' ]",
        "privileges: [ 'create_doc', 'create_index', 'auto_configure' ]",
        "glasswatch_timeline_reader:", "privileges: [ 'read', 'view_index_metadata' ]");
    assertThat(roles).doesNotContain("'index'", "'write'", "'all'", "'delete'", "cluster:");
  }

  @Test
  void usersFileHoldsHashesNeverPasswords() {
    String users = ElasticsearchServer.usersFile(CREDS);

    assertThat(users.lines()).hasSize(3)
        .allMatch(l -> l.matches("(adm|snk|rdr):\\{PBKDF2}10000\\$[A-Za-z0-9+/=]{44}\\$[A-Za-z0-9+/=]{44}"));
    assertThat(users).doesNotContain("admin-secret-1", "sink-secret-2", "reader-secret-3");
    assertThat(ElasticsearchServer.usersRolesFile(CREDS).lines())
        .containsExactly("superuser:adm", "glasswatch_timeline_writer:snk", "glasswatch_timeline_reader:rdr");
  }

  @Test
  void pbkdf2MatchesTheFileRealmFormat() {
    byte[] salt = new byte[32];
    String hash = ElasticsearchServer.pbkdf2("password", salt, 10_000);
    String[] parts = hash.substring("{PBKDF2}".length()).split("\\$");

    assertThat(hash).startsWith("{PBKDF2}10000$");
    assertThat(parts).hasSize(3);
    assertThat(Base64.getDecoder().decode(parts[1])).isEqualTo(salt);
    assertThat(Base64.getDecoder().decode(parts[2])).hasSize(32);
    assertThat(ElasticsearchServer.pbkdf2("password", salt, 10_000)).isEqualTo(hash);
    assertThat(ElasticsearchServer.pbkdf2("Password", salt, 10_000)).isNotEqualTo(hash);
    assertThat(ElasticsearchServer.pbkdf2("password")).isNotEqualTo(ElasticsearchServer.pbkdf2("password"));
  }

  @Test
  void jvmOptionsSetHeapAndKeepErrorFilesInLogs() {
    assertThat(ElasticsearchServer.jvmOptions(Path.of("/s/logs")))
        .contains("-Xms512m", "-Xmx512m", "-XX:ErrorFile=/s/logs/hs_err_pid%p.log", "-Djava.io.tmpdir=${ES_TMPDIR}")
        .doesNotContain("file=gc.log");
  }
}
