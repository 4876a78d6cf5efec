package dev.writ.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.writ.error.ErrorCode;

/**
 * The one audit event of one exchange. A step that never ran leaves its components null;
 * every other component is what that step saw, tokens named by their digest only.
 *
 * @param time when the exchange began
 * @param subjectTokenType the {@code subject_token_type} requested
 * @param subjectTokenSha256 the subject token's {@link TokenDigest digest}
 * @param requestedTarget the audience or resource requested
 * @param requestedScopes the scopes requested, sorted; null when none were
 * @param clientId the {@code client_id} the request named
 * @param policyDigest the digest of the policies the exchange read
 * @param subject the verified subject
 * @param trustSource the trust source that verified it
 * @param attributes the subject's attributes; null when it has none
 * @param actorTokenSha256 the actor token's {@link TokenDigest digest}, when the request
 * delegates
 * @param actor the verified actor
 * @param actorSource the trust source that verified it
 * @param derivedFrom for a Writ token exchanged again, its {@code jti}
 * @param chainDepth the hops of the issued token's chain, when it has any
 * @param boundTo what the issued token is bound to: {@code jkt:<thumbprint>} of a DPoP
 * key or {@code x5t#S256:<thumbprint>} of a client certificate; null for a bearer token
 * @param dpopKey the thumbprint of the key the request's DPoP proof proved, when it did
 * @param clientCertificate the thumbprint ({@code x5t#S256}) of the client certificate,
 * when the request came over mutual TLS with one
 * @param carriedOnWithoutStore whether the rate limits were skipped because the store was
 * away
 * @param replay whether the subject token was a replay of a one-time token; null when not
 * found to be one
 * @param outcome how the exchange ended; null only if it never got to say
 * @param grant the grant that allowed it
 * @param audience the issued token's audience
 * @param scopes the issued token's scopes, sorted
 * @param issuedTokenJti the issued token's {@code jti}
 * @param issuedTokenSha256 the issued token's {@link TokenDigest digest}
 * @param expiresAt when the issued token (or credential) expires
 * @param credential for a just-in-time credential issued in place of a token, its lease
 * and username: never the credential
 * @param error the code the client was answered with, when refused
 * @param reason why it was refused, for the operator
 * @param latency how long the exchange took, to the microsecond
 */
public record TokenExchangeEvent(Instant time, @Nullable String subjectTokenType, @Nullable String subjectTokenSha256,
		@Nullable String requestedTarget, @Nullable List<String> requestedScopes, @Nullable String clientId,
		@Nullable String policyDigest, @Nullable String subject, @Nullable String trustSource,
		@Nullable Map<String, String> attributes, @Nullable String actorTokenSha256, @Nullable String actor,
		@Nullable String actorSource, @Nullable String derivedFrom, @Nullable Integer chainDepth,
		@Nullable String boundTo, @Nullable String dpopKey, @Nullable String clientCertificate,
		boolean carriedOnWithoutStore, @Nullable Boolean replay, @Nullable Outcome outcome, @Nullable String grant,
		@Nullable String audience, @Nullable List<String> scopes, @Nullable String issuedTokenJti,
		@Nullable String issuedTokenSha256, @Nullable Instant expiresAt, @Nullable Leased credential,
		@Nullable ErrorCode error, @Nullable String reason, @Nullable Duration latency) implements AuditEvent {

	public TokenExchangeEvent {
		Objects.requireNonNull(time, "time cannot be null");
		requestedScopes = (requestedScopes != null) ? List.copyOf(requestedScopes) : null;
		attributes = (attributes != null) ? Map.copyOf(attributes) : null;
		scopes = (scopes != null) ? List.copyOf(scopes) : null;
	}

	/** A new event, begun at {@code time}. */
	public static Builder begin(Instant time) {
		return new Builder(time);
	}

	/**
	 * Builds the event as the exchange goes; a step that never ran leaves its components
	 * null.
	 */
	public static final class Builder {

		private final Instant time;

		private @Nullable String subjectTokenType;

		private @Nullable String subjectTokenSha256;

		private @Nullable String requestedTarget;

		private @Nullable List<String> requestedScopes;

		private @Nullable String clientId;

		private @Nullable String policyDigest;

		private @Nullable String subject;

		private @Nullable String trustSource;

		private @Nullable Map<String, String> attributes;

		private @Nullable String actorTokenSha256;

		private @Nullable String actor;

		private @Nullable String actorSource;

		private @Nullable String derivedFrom;

		private @Nullable Integer chainDepth;

		private @Nullable String boundTo;

		private @Nullable Leased credential;

		private @Nullable String clientCertificate;

		private @Nullable String dpopKey;

		private boolean carriedOnWithoutStore;

		private @Nullable Boolean replay;

		private @Nullable Outcome outcome;

		private @Nullable String grant;

		private @Nullable String audience;

		private @Nullable List<String> scopes;

		private @Nullable String issuedTokenJti;

		private @Nullable String issuedTokenSha256;

		private @Nullable Instant expiresAt;

		private @Nullable ErrorCode error;

		private @Nullable String reason;

		private @Nullable Duration latency;

		private Builder(Instant time) {
			this.time = Objects.requireNonNull(time, "time cannot be null");
		}

		public Builder subjectTokenType(String subjectTokenType) {
			this.subjectTokenType = subjectTokenType;
			return this;
		}

		public Builder subjectTokenSha256(@Nullable String subjectTokenSha256) {
			this.subjectTokenSha256 = subjectTokenSha256;
			return this;
		}

		public Builder requestedTarget(@Nullable String requestedTarget) {
			this.requestedTarget = requestedTarget;
			return this;
		}

		/** The scopes requested, kept sorted; none is left out. */
		public Builder requestedScopes(Collection<String> requestedScopes) {
			this.requestedScopes = requestedScopes.isEmpty() ? null : sorted(requestedScopes);
			return this;
		}

		public Builder clientId(@Nullable String clientId) {
			this.clientId = clientId;
			return this;
		}

		public Builder policyDigest(String policyDigest) {
			this.policyDigest = policyDigest;
			return this;
		}

		public Builder subject(String subject) {
			this.subject = subject;
			return this;
		}

		public Builder trustSource(String trustSource) {
			this.trustSource = trustSource;
			return this;
		}

		/** The subject's attributes; none is left out. */
		public Builder attributes(Map<String, String> attributes) {
			this.attributes = attributes.isEmpty() ? null : attributes;
			return this;
		}

		/**
		 * Says the rate limits were skipped because the store was away and the entry
		 * carries on without it.
		 */
		public Builder actorTokenSha256(String actorTokenSha256) {
			this.actorTokenSha256 = actorTokenSha256;
			return this;
		}

		/** The verified actor and the source that verified it. */
		public Builder actor(String actor, String actorSource) {
			this.actor = actor;
			this.actorSource = actorSource;
			return this;
		}

		/** The Writ token exchanged again, by its {@code jti}. */
		public Builder derivedFrom(String jti) {
			this.derivedFrom = jti;
			return this;
		}

		/** The lease and username of the credential issued in place of a token. */
		public Builder credential(String leaseId, String username) {
			this.credential = new Leased(leaseId, username);
			return this;
		}

		/** What the issued token is bound to. */
		public Builder boundTo(String confirmation) {
			this.boundTo = confirmation;
			return this;
		}

		/** The thumbprint of the key the request's DPoP proof proved. */
		public Builder dpopKey(String jkt) {
			this.dpopKey = jkt;
			return this;
		}

		/** The thumbprint of the client certificate the request came with. */
		public Builder clientCertificate(String x5t) {
			this.clientCertificate = x5t;
			return this;
		}

		public Builder chainDepth(int depth) {
			this.chainDepth = depth;
			return this;
		}

		public Builder carriedOnWithoutStore() {
			this.carriedOnWithoutStore = true;
			return this;
		}

		public Builder replay(boolean replay) {
			this.replay = replay;
			return this;
		}

		public Builder outcome(Outcome outcome) {
			this.outcome = outcome;
			return this;
		}

		public Builder grant(String grant) {
			this.grant = grant;
			return this;
		}

		public Builder audience(String audience) {
			this.audience = audience;
			return this;
		}

		/** The issued token's scopes, kept sorted; none is written as an empty list. */
		public Builder scopes(Collection<String> scopes) {
			this.scopes = sorted(scopes);
			return this;
		}

		public Builder issuedTokenJti(String issuedTokenJti) {
			this.issuedTokenJti = issuedTokenJti;
			return this;
		}

		public Builder issuedTokenSha256(String issuedTokenSha256) {
			this.issuedTokenSha256 = issuedTokenSha256;
			return this;
		}

		public Builder expiresAt(Instant expiresAt) {
			this.expiresAt = expiresAt;
			return this;
		}

		public Builder error(ErrorCode error) {
			this.error = error;
			return this;
		}

		public Builder reason(String reason) {
			this.reason = reason;
			return this;
		}

		/**
		 * How long the exchange took, kept to the microsecond: the precision it is
		 * written and timed with.
		 */
		public Builder latency(Duration latency) {
			this.latency = latency.truncatedTo(ChronoUnit.MICROS);
			return this;
		}

		public TokenExchangeEvent build() {
			return new TokenExchangeEvent(this.time, this.subjectTokenType, this.subjectTokenSha256,
					this.requestedTarget, this.requestedScopes, this.clientId, this.policyDigest, this.subject,
					this.trustSource, this.attributes, this.actorTokenSha256, this.actor, this.actorSource,
					this.derivedFrom, this.chainDepth, this.boundTo, this.dpopKey, this.clientCertificate,
					this.carriedOnWithoutStore, this.replay, this.outcome, this.grant, this.audience, this.scopes,
					this.issuedTokenJti, this.issuedTokenSha256, this.expiresAt, this.credential, this.error,
					this.reason, this.latency);
		}

		private static List<String> sorted(Collection<String> values) {
			return values.stream().sorted().toList();
		}

	}

	/**
	 * A just-in-time credential as the audit names it.
	 *
	 * @param leaseId its lease
	 * @param username its username at its target
	 */
	public record Leased(String leaseId, String username) {
	}

}
