package dev.writ.client;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * DPoP with one server (RFC 9449): the client's key, and the last nonce the server gave
 * in its {@code DPoP-Nonce} header (§8), which each proof to it then carries.
 */
final class DpopSession {

	private final DpopKey key;

	private volatile @Nullable String nonce;

	DpopSession(DpopKey key) {
		this.key = key;
	}

	/** A proof for a {@code POST} to {@code endpoint}, with the server's last nonce. */
	String proof(URI endpoint, Instant now) {
		return this.key.proof("POST", endpoint, null, this.nonce, now);
	}

	/** Takes the server's new nonce from its answer, if it gave a well-formed one. */
	void remember(HttpHeaders answer) {
		answer.firstValue("DPoP-Nonce").filter(DpopSession::nonceLike).ifPresent((n) -> this.nonce = n);
	}

	/** Whether the server has given a nonce: only then can a retry carry it. */
	boolean hasNonce() {
		return this.nonce != null;
	}

	// RFC 9449 §8.1: a nonce is 1*NQCHAR (printable ASCII but '"' and '\'); bounded here.
	static boolean nonceLike(String value) {
		return !value.isEmpty() && value.length() <= 256
				&& value.chars().allMatch((c) -> c >= 0x21 && c <= 0x7e && c != '"' && c != '\\');
	}

}
