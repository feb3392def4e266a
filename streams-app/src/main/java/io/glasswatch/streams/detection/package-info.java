/** Detection vocabulary shared by the correlators: what counts as root activity, and how alerts are built. */
package io.glasswatch.streams.detection;
