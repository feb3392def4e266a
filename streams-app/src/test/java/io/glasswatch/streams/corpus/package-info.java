/** Tests of detection on real CloudTrail records of the shared evaluation corpus. */
package io.glasswatch.streams.corpus;
