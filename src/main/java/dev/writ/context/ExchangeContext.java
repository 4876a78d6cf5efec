package dev.writ.context;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import dev.writ.request.ExchangeRequest;
import dev.writ.trust.VerifiedSubject;

/**
 * Everything a policy may read about one exchange: the verified subject, the attributes
 * its trust source maps from it, what was requested, and when.
 *
 * @param subject the verified subject; only a verifier can make one
 * @param attributes the subject's attributes (service, environment, tenant, ...), from
 * verified claims only
 * @param request the request, whose target and scopes are still only asked for
 * @param time the instant of the exchange, from the server's clock
 */
public record ExchangeContext(VerifiedSubject subject, Map<String, String> attributes, ExchangeRequest request,
		Instant time) {

	public ExchangeContext {
		Objects.requireNonNull(subject, "subject cannot be null");
		attributes = Map.copyOf(attributes);
		Objects.requireNonNull(request, "request cannot be null");
		Objects.requireNonNull(time, "time cannot be null");
	}

}
