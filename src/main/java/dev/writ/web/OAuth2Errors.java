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
		return new OAuth2AuthenticationException(new OAuth2Error(ex.errorCode().code(), ex.description(), null));
	}

}
