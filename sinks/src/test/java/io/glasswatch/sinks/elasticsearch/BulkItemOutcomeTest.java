package io.glasswatch.sinks.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BulkItemOutcomeTest {

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
      "201, null, WRITTEN",
      "200, null, WRITTEN",
      "409, version_conflict_engine_exception, DUPLICATE",
      "400, document_parsing_exception, REJECTED",
      "400, mapper_parsing_exception, REJECTED",
      "400, strict_dynamic_mapping_exception, REJECTED",
      "429, es_rejected_execution_exception, RETRY",
      "500, null_pointer_exception, RETRY",
      "503, unavailable_shards_exception, RETRY",
      "403, security_exception, RETRY",
      "404, index_not_found_exception, RETRY",
      "409, some_other_conflict, RETRY"})
  void classifiesCreateItemsByStatusAndErrorType(int status, String type, BulkItemOutcome expected) {
    assertThat(BulkItemOutcome.of(status, type)).isEqualTo(expected);
  }
}
