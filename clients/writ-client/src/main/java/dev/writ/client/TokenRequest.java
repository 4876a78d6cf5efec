package dev.writ.client;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a workload asks Writ for: one audience and the scopes. Two requests for the same
 * audience and the same scopes, in any order, are the same request and share one token.
 *
 * @param audience the audience ({@code aud}) of the token, a resource server's identifier
 * @param scopes the scopes, sorted; empty asks for what the grant gives
 */
public record TokenRequest(String audience, SortedSet<String> scopes) {

	public TokenRequest {
		if (audience.isBlank()) {
			throw new IllegalArgumentException("the audience is empty");
		}
		TreeSet<String> sorted = new TreeSet<>();
		for (String scope : scopes) {
			if (scope.isEmpty() || scope.chars().anyMatch((c) -> c <= 0x20 || c == 0x22 || c == 0x5c || c > 0x7e)) {
				// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
				throw new IllegalArgumentException("not a scope (RFC 6749 section 3.3): '" + scope + "'");
			}
			sorted.add(scope);
		}
		scopes = Collections.unmodifiableSortedSet(sorted);
	}

	public static TokenRequest of(String audience, String... scopes) {
		return of(audience, Arrays.asList(scopes));
	}

	public static TokenRequest of(String audience, Collection<String> scopes) {
		return new TokenRequest(audience, new TreeSet<>(scopes));
	}

	/** The {@code scope} parameter: the scopes, space-separated, or empty. */
	String scopeParameter() {
		return String.join(" ", this.scopes);
	}

	@Override
	public String toString() {
		return this.audience + (this.scopes.isEmpty() ? "" : " " + this.scopes);
	}

}
