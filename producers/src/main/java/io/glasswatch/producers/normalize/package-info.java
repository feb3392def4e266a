/** Tells the input shapes of SPEC section 1 apart and turns each event into its normalized Avro record, or a rejection that says why. */
package io.glasswatch.producers.normalize;
