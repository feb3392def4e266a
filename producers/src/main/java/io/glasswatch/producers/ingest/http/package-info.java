/** The authenticated HTTP ingest endpoint ({@code POST /v1/events}) of the authorization gateway and EventBridge. */
package io.glasswatch.producers.ingest.http;
