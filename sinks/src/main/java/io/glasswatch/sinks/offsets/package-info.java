/** Which Kafka offsets may be committed, given out-of-order acknowledgements from an asynchronous writer. */
package io.glasswatch.sinks.offsets;
