/** The AuthZ gateway's own records (break-glass-events.log, audit.log and its HMAC checksum chain) read into canonical gateway events (SPEC 1.4). */
package io.glasswatch.producers.normalize.authz;
