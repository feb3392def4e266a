/** Test helpers: input builders, a scenario runner over the replay driver, and corpus readers. */
package io.glasswatch.streams.testing;
