/** The alert catalogue (SPEC section 3): every alert type with its default severity, actions and runbook anchor, shared by every module. */
package io.glasswatch.catalogue;
