package dev.writ.web;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.writ.gate.ComputeGate;

/**
 * Makes every request of the bearer chain (introspection, revocation, the admin
 * endpoints) take a turn of the same gate as token requests before its bearer token is
 * verified: each costs a signature verification or more, and without a turn a flood of
 * them, with or without a valid token, would compute beside the token requests and
 * lengthen their wait. A request that finds no turn within
 * {@code writ.exchanges.max-queue-wait} is answered 503 {@code temporarily_unavailable}
 * with {@code Retry-After}, as a token request is.
 */
final class ComputeTurnFilter extends OncePerRequestFilter {

	private final ComputeGate gate;

	private final Duration maxQueueWait;

	ComputeTurnFilter(ComputeGate gate, Duration maxQueueWait) {
		this.gate = gate;
		this.maxQueueWait = maxQueueWait;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!this.gate.enter(this.maxQueueWait)) {
			TransportRefusal busy = TransportRefusal.busy();
			response.setHeader(HttpHeaders.RETRY_AFTER, "1");
			OAuth2ErrorResponses.write(response, busy.status(), busy.code(), busy.description());
			return;
		}
		try {
			chain.doFilter(request, response);
		}
		finally {
			this.gate.leave();
		}
	}

}
