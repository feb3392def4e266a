/** The correlated timeline: ECS-ready entries for every input event, alert and enforcement step, and their per-correlation hash chain. */
package io.glasswatch.streams.timeline;
