package io.glasswatch.cli;

import io.glasswatch.cli.investigation.EvidenceBundle;
import io.glasswatch.config.GlasswatchSettings;
import io.glasswatch.sinks.timeline.TimelineQueries;
import io.glasswatch.sinks.timeline.TimelineVerifier;
import io.glasswatch.sinks.timeline.TimelineVerifier.ChainReport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code glasswatch evidence REQUEST_ID --out FILE}: writes the request's evidence bundle
 * ({@link EvidenceBundle}: timeline as JSON and Markdown, alerts, revoke results, hash-chain proof,
 * policy in force, manifest of SHA-256 digests) as one ZIP archive, and prints the archive's SHA-256.
 * The policy in force is {@code --policy FILE}, else the setting {@code policy.file}, else the
 * built-in defaults, as for {@code serve}. Exit status 0 when written (also with a broken chain: the
 * proof records it and a warning is printed), 1 when the request has no timeline entries, 2 on invalid
 * usage or policy.
 */
@Command(name = "evidence", description = "Write a request's evidence bundle (one ZIP archive).")
public final class EvidenceCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "REQUEST_ID", description = "The break-glass request.")
  String requestId;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The archive to write (.zip).")
  Path out;

  @Option(names = "--policy", paramLabel = "FILE", description = "The policy in force (default: policy.file or built-in).")
  Path policyFile;

  @Override
  public Integer call() {
    GlasswatchSettings settings = config.settings();
    PolicySource policy = PolicySource.load(policyFile, settings);
    List<Map<String, Object>> docs;
    try (TimelineQueries q = new TimelineQueries(settings)) {
      docs = q.timeline(requestId);
    }
    if (docs.isEmpty()) {
      spec.commandLine().getErr().println("glasswatch: no timeline entries for " + requestId);
      return 1;
    }
    ChainReport proof = TimelineVerifier.verify(requestId, docs);
    EvidenceBundle.Written w = EvidenceBundle.write(out, requestId, docs, proof,
        new EvidenceBundle.PolicyInForce(policy.origin(), policy.policy().toString(), policy.path()), Instant.now());
    System.out.println("evidence bundle " + w.archive() + " (" + docs.size() + " timeline entries, chain "
        + (proof.intact() ? "intact" : "BROKEN: " + proof.findings().size() + " problems") + ")");
    w.files().forEach((name, sha) -> System.out.println("  " + sha + "  " + name));
    System.out.println("sha256 " + w.sha256());
    if (!proof.intact()) {
      spec.commandLine().getErr().println("glasswatch: warning: the hash chain of " + requestId
          + " is broken; chain-proof.json names the entries");
    }
    return 0;
  }
}
