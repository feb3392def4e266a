/** The investigator's view: timeline rendering, chain verification reports and evidence bundles. */
package io.glasswatch.cli.investigation;
