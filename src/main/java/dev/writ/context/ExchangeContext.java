package dev.writ.context;

import java.time.Instant;
import java.util.Objects;

import dev.writ.request.ExchangeRequest;
import dev.writ.trust.VerifiedSubject;

/**
 * Everything a policy may read about one exchange: the verified subject, what was requested, and when.
 *
 * @param subject the verified subject; only a verifier can make one
 * @param request the request, whose target and scopes are still only asked for
 * @param time the instant of the exchange, from the server's clock
 */
public record ExchangeContext(VerifiedSubject subject, ExchangeRequest request, Instant time) {

	public ExchangeContext {
		Objects.requireNonNull(subject, "subject cannot be null");
		Objects.requireNonNull(request, "request cannot be null");
		Objects.requireNonNull(time, "time cannot be null");
	}

}
