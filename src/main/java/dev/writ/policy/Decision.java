package dev.writ.policy;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.writ.error.ErrorCode;

/**
 * What the policies decide for one exchange: allow with what is granted, or deny with a
 * reason.
 */
public sealed interface Decision {

	/** The digest of the policy set that decided. */
	String policyDigest();

	/**
	 * A token may be issued.
	 *
	 * @param grantId the grant that allows it
	 * @param audience the token's one audience
	 * @param scopes the token's scopes: those requested, or the grant's when none were
	 * @param ttl the token's lifetime
	 * @param claims extra claims the grant puts into the token
	 * @param policyDigest the digest of the policy set
	 * @param boundTo what the token is bound to ({@code cnf}); null for a bearer token
	 * @param credential the just-in-time credential to issue instead of a token, with
	 * {@code ttl} already within its target's cap; null for a token
	 */
	record Allow(String grantId, String audience, Set<String> scopes, Duration ttl, Map<String, Object> claims,
			String policyDigest, @Nullable Confirmation boundTo,
			Grant.@Nullable Credential credential) implements Decision {

		/** An allowed bearer token. */
		public Allow(String grantId, String audience, Set<String> scopes, Duration ttl, Map<String, Object> claims,
				String policyDigest) {
			this(grantId, audience, scopes, ttl, claims, policyDigest, null, null);
		}

		/** An allowed token, bound to {@code boundTo} if it is not null. */
		public Allow(String grantId, String audience, Set<String> scopes, Duration ttl, Map<String, Object> claims,
				String policyDigest, @Nullable Confirmation boundTo) {
			this(grantId, audience, scopes, ttl, claims, policyDigest, boundTo, null);
		}

		public Allow {
			Objects.requireNonNull(grantId, "grantId cannot be null");
			Objects.requireNonNull(audience, "audience cannot be null");
			scopes = Set.copyOf(scopes);
			Objects.requireNonNull(ttl, "ttl cannot be null");
			claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
			Objects.requireNonNull(policyDigest, "policyDigest cannot be null");
		}

	}

	/**
	 * No token may be issued.
	 *
	 * @param errorCode the protocol error to answer with
	 * @param description what the caller is told: short, revealing no other grant
	 * @param detail the precise reason, for the audit event
	 * @param policyDigest the digest of the policy set
	 */
	record Deny(ErrorCode errorCode, String description, String detail, String policyDigest) implements Decision {

		public Deny {
			Objects.requireNonNull(errorCode, "errorCode cannot be null");
			Objects.requireNonNull(description, "description cannot be null");
			Objects.requireNonNull(detail, "detail cannot be null");
			Objects.requireNonNull(policyDigest, "policyDigest cannot be null");
		}

	}

}
