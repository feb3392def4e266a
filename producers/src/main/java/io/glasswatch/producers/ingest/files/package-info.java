/** File-based ingest: a CloudTrail log directory watcher and a JSON-lines tailer that survives rotation. */
package io.glasswatch.producers.ingest.files;
