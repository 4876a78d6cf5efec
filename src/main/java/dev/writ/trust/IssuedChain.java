package dev.writ.trust;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What a Writ access token presented as a subject token was issued for, from its verified
 * claims: the one audience, the scopes and the grant it was issued with, the actors of
 * its chain ({@code act}, outermost the latest), and the tokens it derives from (root
 * first), so that revoking any of them revokes it.
 *
 * @param audience its {@code aud}
 * @param scopes its scopes
 * @param grant the grant that issued it
 * @param act its {@code act} claim, or null when no one acted
 * @param depth how many hops its chain holds: the actors of its {@code act}, or the
 * tokens it was exchanged from, whichever is more
 * @param ancestors the tokens it was exchanged from, root first
 */
public record IssuedChain(String audience, Set<String> scopes, String grant, @Nullable Map<String, Object> act,
		int depth, List<Link> ancestors) {

	public IssuedChain {
		Objects.requireNonNull(audience, "audience cannot be null");
		scopes = Set.copyOf(scopes);
		Objects.requireNonNull(grant, "grant cannot be null");
		ancestors = List.copyOf(ancestors);
	}

	/**
	 * One token of a chain.
	 *
	 * @param jti its {@code jti}
	 * @param grant the grant that issued it
	 */
	public record Link(String jti, String grant) {

		public Link {
			Objects.requireNonNull(jti, "jti cannot be null");
			Objects.requireNonNull(grant, "grant cannot be null");
		}

	}

}
