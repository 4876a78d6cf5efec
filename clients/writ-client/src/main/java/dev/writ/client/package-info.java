/**
 * A workload's Writ tokens: {@link dev.writ.client.WritClient} exchanges the workload's
 * identity token at Writ's token endpoint (RFC 8693), keeps one token per audience and
 * scopes, and refreshes it ahead of expiry. See docs/clients.md.
 */
@NullMarked
package dev.writ.client;

import org.jspecify.annotations.NullMarked;
