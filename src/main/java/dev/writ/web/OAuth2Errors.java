package dev.writ.web;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;

import dev.writ.error.ExchangeException;

/** Carries an {@link ExchangeException} through Spring Security as the {@link OAuth2Error} it stands for. */
final class OAuth2Errors {

	private OAuth2Errors() {
	}

	/** The Spring exception for a Writ exception: its code and public description only, never its detail. */
	static OAuth2AuthenticationException toAuthenticationException(ExchangeException ex) {
		OAuth2Error error = new OAuth2Error(ex.errorCode().code(), ex.description(), null);
		return ex.retryAfter().<OAuth2AuthenticationException>map((wait) -> new RetryLater(error, wait))
			.orElseGet(() -> new OAuth2AuthenticationException(error));
	}

	/** An error the client may retry after a while: answered with {@code Retry-After} (RFC 9110 §10.2.3). */
	static final class RetryLater extends OAuth2AuthenticationException {

		private static final long serialVersionUID = 1L;

		private final java.time.Duration wait;

		RetryLater(OAuth2Error error, java.time.Duration wait) {
			super(error);
			this.wait = wait;
		}

		long seconds() {
			return Math.max(1, this.wait.toSeconds());
		}

	}

}
