package dev.writ.web;

import java.time.Duration;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;

import dev.writ.error.ExchangeException;

/**
 * Carries an {@link ExchangeException} through Spring Security as the {@link OAuth2Error}
 * it stands for.
 */
final class OAuth2Errors {

	/**
	 * What Writ tells a client that asks for a token any other way than by exchanging its
	 * workload identity.
	 */
	static final String EXCHANGE_ONLY = "Writ issues tokens only by token exchange: send grant_type="
			+ "urn:ietf:params:oauth:grant-type:token-exchange with your workload's identity token as subject_token";

	/**
	 * What Writ tells a client that authenticates itself: Writ has no client secrets, the
	 * identity is the token.
	 */
	static final String NO_CLIENT_SECRETS = "Writ has no client secrets and authenticates no client: send no client "
			+ "credentials (no Authorization header, no client_secret), and your workload's identity token as "
			+ "subject_token";

	private OAuth2Errors() {
	}

	/**
	 * The Spring exception for a refusal the exchange service has audited: its code and
	 * public description only, never its detail.
	 */
	static OAuth2AuthenticationException toAuthenticationException(ExchangeException ex) {
		return new AuditedRefusal(new OAuth2Error(ex.errorCode().code(), ex.description(), null),
				ex.retryAfter().orElse(null));
	}

	/**
	 * A refusal the exchange service has audited already, so
	 * {@link OAuth2ErrorResponseHandler} does not audit it again. One the client may
	 * retry after a while is answered with {@code Retry-After} (RFC 9110 §10.2.3).
	 */
	static final class AuditedRefusal extends OAuth2AuthenticationException {

		private static final long serialVersionUID = 1L;

		private final @Nullable Duration wait;

		AuditedRefusal(OAuth2Error error, @Nullable Duration wait) {
			super(error);
			this.wait = wait;
		}

		/** The whole seconds to wait before a retry, at least 1, if the refusal says. */
		Optional<Long> retryAfterSeconds() {
			return Optional.ofNullable(this.wait).map((w) -> Math.max(1, w.toSeconds()));
		}

	}

}
