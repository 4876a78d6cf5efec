package dev.writ.request;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One RFC 8693 §2.1 token exchange request, syntactically valid. Nothing in it is trusted
 * yet: the subject token is unverified and the target and scopes are only what the caller
 * asked for.
 *
 * @param subjectToken the token that represents the caller's identity (unverified); empty
 * when the TLS client certificate stands for it
 * @param subjectTokenType its RFC 8693 §3 type identifier; {@link TokenTypes#X509_SVID}
 * when the TLS client certificate stands for it
 * @param audience the requested logical audience, if any
 * @param resource the requested resource URI (RFC 8707), if any
 * @param scopes the requested scopes; empty when the request names none
 * @param requestedTokenType the requested token type; {@link TokenTypes#ACCESS_TOKEN}
 * when the request names none
 * @param actorToken the actor token, if any (unverified)
 * @param actorTokenType its type, present exactly when {@code actorToken} is
 * @param clientId the {@code client_id} the caller declared, if any; unauthenticated, so
 * informational only
 * @param parameters every other parameter, by name (RFC 6749 §3.2 extension parameters);
 * policies see only those they declare
 */
public record ExchangeRequest(String subjectToken, String subjectTokenType, Optional<String> audience,
		Optional<URI> resource, Set<String> scopes, String requestedTokenType, Optional<String> actorToken,
		Optional<String> actorTokenType, Optional<String> clientId, Map<String, String> parameters) {

	public ExchangeRequest {
		Objects.requireNonNull(subjectToken, "subjectToken cannot be null");
		Objects.requireNonNull(subjectTokenType, "subjectTokenType cannot be null");
		Objects.requireNonNull(audience, "audience cannot be null");
		Objects.requireNonNull(resource, "resource cannot be null");
		scopes = Set.copyOf(scopes);
		Objects.requireNonNull(requestedTokenType, "requestedTokenType cannot be null");
		Objects.requireNonNull(actorToken, "actorToken cannot be null");
		Objects.requireNonNull(actorTokenType, "actorTokenType cannot be null");
		Objects.requireNonNull(clientId, "clientId cannot be null");
		parameters = Map.copyOf(parameters);
	}

	/**
	 * Whether the request sent no subject token, its identity being the X.509-SVID the
	 * client presented over mutual TLS.
	 */
	public boolean fromCertificate() {
		return this.subjectToken.isEmpty() && TokenTypes.X509_SVID.equals(this.subjectTokenType);
	}

	/** The one target the token is for: the audience, else the resource. */
	public Optional<String> target() {
		return this.audience.or(() -> this.resource.map(URI::toString));
	}

	/** Never prints a token. */
	@Override
	public String toString() {
		return "ExchangeRequest[subjectTokenType=" + this.subjectTokenType + ", audience=" + this.audience
				+ ", resource=" + this.resource + ", scopes=" + this.scopes + ", requestedTokenType="
				+ this.requestedTokenType + ", actorToken=" + (this.actorToken.isPresent() ? "present" : "absent")
				+ ", clientId=" + this.clientId + "]";
	}

}
