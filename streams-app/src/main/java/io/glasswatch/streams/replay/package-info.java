/** Replay: the production topology run in-process over recorded inputs, in event time, to a deterministic end. */
package io.glasswatch.streams.replay;
