package dev.writ.trust;

import java.nio.charset.StandardCharsets;

import io.spiffe.exception.InvalidSpiffeIdException;
import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.spiffeid.TrustDomain;

/**
 * Parses SPIFFE IDs and trust domain names (SPIFFE ID §2) strictly, with one exception
 * type. java-spiffe throws {@code InvalidSpiffeIdException} for some malformed input and
 * {@code IllegalArgumentException} for other; callers here see only
 * {@link IllegalArgumentException}.
 */
public final class SpiffeIds {

	/** SPIFFE ID §2.3: a SPIFFE ID is at most 2048 bytes long. */
	public static final int MAX_ID_BYTES = 2048;

	private SpiffeIds() {
	}

	/**
	 * Parses a SPIFFE ID.
	 * @throws IllegalArgumentException saying why it is not one
	 */
	public static SpiffeId parseId(String value) {
		if (value.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
			throw new IllegalArgumentException("longer than " + MAX_ID_BYTES + " bytes");
		}
		SpiffeId id;
		try {
			id = SpiffeId.parse(value);
		}
		catch (InvalidSpiffeIdException ex) {
			throw new IllegalArgumentException(ex.getMessage());
		}
		// java-spiffe lowercases the trust domain; SPIFFE ID §2.1 says it MUST be
		// lowercase. No normalising: the ID
		// must read back exactly as given, so two spellings can never name one workload.
		if (!id.toString().equals(value)) {
			throw new IllegalArgumentException("not in canonical form (trust domain in lowercase)");
		}
		return id;
	}

	/**
	 * Parses a trust domain name such as {@code example.org} (not a {@code spiffe://}
	 * URI).
	 * @throws IllegalArgumentException saying why it is not one
	 */
	public static TrustDomain parseTrustDomain(String name) {
		if (name.contains(":") || name.contains("/")) {
			throw new IllegalArgumentException("a trust domain is a name such as example.org, not a URI");
		}
		TrustDomain domain;
		try {
			domain = TrustDomain.parse(name);
		}
		catch (InvalidSpiffeIdException ex) {
			throw new IllegalArgumentException(ex.getMessage());
		}
		if (!domain.getName().equals(name)) {
			throw new IllegalArgumentException("not in canonical form (lowercase)");
		}
		return domain;
	}

}
