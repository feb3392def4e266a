/** Settings of the real break-glass sources (sources.authz-gateway.*, sources.jit-controller.*) and the field helpers their readers share. */
package io.glasswatch.producers.normalize.sources;
