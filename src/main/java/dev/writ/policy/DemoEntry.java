package dev.writ.policy;

import java.nio.file.Path;

/**
 * A {@code demo: true} entry of the policies: a trust domain trusted with a key generated
 * on this machine, which anyone who can read that key can mint identities of.
 *
 * @param trustDomain the trust domain's name
 * @param keyFile its private key
 * @param file the policy file of the entry
 * @param line the entry's line in it
 * @param keyReady whether its key and bundle existed when the policies were loaded; until
 * they are generated (when Writ starts, or by {@code dev svid}) the entry trusts no key
 */
public record DemoEntry(String trustDomain, Path keyFile, Path file, int line, boolean keyReady) {

	/** The entry, as {@code file:line}. */
	public String where() {
		return this.file + ":" + this.line;
	}

	/** The warning a server gives while it trusts this entry. */
	public String warning() {
		return "DEMO TRUST: trust domain " + this.trustDomain + " is trusted with a key generated on this machine ("
				+ this.keyFile + "). Anyone who can read that key can mint its identities. Remove the demo entry ("
				+ where() + ") before production.";
	}

}
