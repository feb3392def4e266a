/** Kibana saved objects of the timeline (data view, Lens visualizations, dashboards) and their import. */
package io.glasswatch.sinks.kibana;
