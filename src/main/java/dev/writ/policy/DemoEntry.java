package dev.writ.policy;

import java.nio.file.Path;

/**
 * A {@code demo: true} entry of the policies: a trust domain trusted with a key generated on this machine, which
 * anyone who can read that key can mint identities of.
 *
 * @param trustDomain the trust domain's name
 * @param keyFile its private key
 * @param where the entry, as {@code file:line}
 */
public record DemoEntry(String trustDomain, Path keyFile, String where) {

	/** The warning a server gives while it trusts this entry. */
	public String warning() {
		return "DEMO TRUST: trust domain " + this.trustDomain + " is trusted with a key generated on this machine ("
				+ this.keyFile + "). Anyone who can read that key can mint its identities. Remove the demo entry ("
				+ this.where + ") before production.";
	}

}
