/** Reading the input topics: event-time extraction, clock ticks, and validation of each input record. */
package io.glasswatch.streams.input;
