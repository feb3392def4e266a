/** Correlation in event time: stage A by request id, stage B by AWS account, with the detectors that need each one's state. */
package io.glasswatch.streams.correlation;
