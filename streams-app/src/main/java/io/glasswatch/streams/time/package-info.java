/** Time of deadlines: when Glasswatch considers a decision delay, rotation deadline or lifecycle step due. */
package io.glasswatch.streams.time;
