/** On-call delivery attempts and outcomes read back from the alerts service, as timeline entries of the alerts' correlations. */
package io.glasswatch.streams.delivery;
