/** The subject stage: a requester's break-glass history across requests, keyed by subject (REPEATED_BREAK_GLASS). */
package io.glasswatch.streams.subject;
