/**
 * The access review report ({@code glasswatch report}): the timeline of a period read from
 * Elasticsearch as the reader user, reviewed per break-glass event and rendered as one
 * self-contained HTML or PDF file.
 */
package io.glasswatch.report;
