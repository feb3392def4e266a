/** Reads input files and directories (JSON lines, JSON documents, JSON arrays, GZIP) into JSON values with the line each starts on. */
package io.glasswatch.producers.input;
