/** Error handling of the topology: bad input goes to the dead-letter topic with its raw bytes and provenance headers. */
package io.glasswatch.streams.errors;
