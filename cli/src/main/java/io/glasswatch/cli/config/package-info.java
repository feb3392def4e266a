/** The cli's own settings, read from the shared configuration once and validated together at start. */
package io.glasswatch.cli.config;
