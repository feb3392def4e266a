/** Serdes of Glasswatch's own state-store values and internal records (JSON via Jackson). */
package io.glasswatch.streams.state;
