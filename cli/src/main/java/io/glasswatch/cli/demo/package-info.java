/** The {@code glasswatch demo} run: bundled scenarios, a local webhook receiver, and the wait for the live pipeline. */
package io.glasswatch.cli.demo;
