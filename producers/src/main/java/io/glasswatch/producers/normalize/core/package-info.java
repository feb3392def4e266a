/** The vocabulary every reader of input shares: JSON helpers, timestamps, where a record came from (SourceRef) and what reading it gave (NormalizeResult). */
package io.glasswatch.producers.normalize.core;
