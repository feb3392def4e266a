/** The glasswatch command line: the local stack, replay, the demo, and each pipeline service. */
package io.glasswatch.cli;
