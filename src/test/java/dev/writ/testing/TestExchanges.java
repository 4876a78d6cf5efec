package dev.writ.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.spiffeid.TrustDomain;

import dev.writ.context.ExchangeContext;
import dev.writ.request.ExchangeRequestParser;
import dev.writ.request.TokenTypes;
import dev.writ.trust.VerifiedSubject;

/** Exchange contexts for tests, made the only way there is: by verifying a real JWT-SVID. */
public final class TestExchanges {

	private TestExchanges() {
	}

	/** The context of an exchange by {@code spiffeId} at {@code now}, with no target or scope requested. */
	public static ExchangeContext context(String spiffeId, Instant now) {
		Clock clock = Clock.fixed(now, ZoneOffset.UTC);
		SpiffeId id = SpiffeId.parse(spiffeId);
		TestAuthority authority = TestAuthority.ec(id.getTrustDomain().getName(), clock);
		String token = authority.svid(id.getPath()).sign();
		VerifiedSubject subject = TestTrust.verifier(clock).verify(token, TokenTypes.JWT, TestTrust.spiffe(clock, authority));
		return new ExchangeContext(subject, Map.of(), new ExchangeRequestParser().parse(form(token)), now);
	}

	/** The form of a token-exchange request for a JWT subject token. */
	public static Map<String, List<String>> form(String subjectToken) {
		Map<String, List<String>> form = new LinkedHashMap<>();
		form.put("grant_type", List.of(TokenTypes.GRANT_TYPE));
		form.put("subject_token", List.of(subjectToken));
		form.put("subject_token_type", List.of(TokenTypes.JWT));
		return form;
	}

}
