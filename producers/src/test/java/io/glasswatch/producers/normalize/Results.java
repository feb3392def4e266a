package io.glasswatch.producers.normalize;

import io.glasswatch.producers.normalize.core.SourceRef;

import io.glasswatch.producers.normalize.core.NormalizeResult;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Helpers for normalizer tests: normalize one JSON text and pick the single result. */
final class Results {
  static final Normalizer NORMALIZER = new Normalizer();

  private Results() {}

  static List<NormalizeResult> all(String json) {
    return NORMALIZER.normalizeJson(json, SourceRef.of("in.jsonl", 7));
  }

  static NormalizeResult.Normalized normalized(String json) {
    List<NormalizeResult> r = all(json);
    assertThat(r).hasSize(1);
    assertThat(r.get(0)).as("result of %s", json).isInstanceOf(NormalizeResult.Normalized.class);
    return (NormalizeResult.Normalized) r.get(0);
  }

  static NormalizeResult.Rejected rejected(String json) {
    List<NormalizeResult> r = all(json);
    assertThat(r).hasSize(1);
    assertThat(r.get(0)).as("result of %s", json).isInstanceOf(NormalizeResult.Rejected.class);
    return (NormalizeResult.Rejected) r.get(0);
  }
}
