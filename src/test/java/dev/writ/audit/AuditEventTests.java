package dev.writ.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.writ.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit log's exact form, pinned: each line below is what the string-map event wrote
 * for the same event, so a change of name, order, omission or format shows here.
 */
class AuditEventTests {

	static final Instant TIME = Instant.parse("2026-11-22T10:00:00Z");

	static TokenExchangeEvent.Builder verified() {
		return TokenExchangeEvent.begin(TIME)
			.subjectTokenType("urn:ietf:params:oauth:token-type:jwt")
			.subjectTokenSha256("c3ViamVjdA")
			.requestedTarget("https://payments.example.org")
			.clientId("checkout")
			.policyDigest("sha256:0123")
			.subject("spiffe://prod.example.org/checkout")
			.trustSource("prod")
			.attributes(Map.of("service", "checkout"))
			.carriedOnWithoutStore();
	}

	@Test
	void toJsonWhenGrantedWithEveryStepThenTheLineAsEver() {
		AuditEvent event = verified().requestedScopes(Set.of("payments:refund", "payments:charge"))
			.outcome(Outcome.GRANTED)
			.grant("checkout-pays")
			.audience("https://payments.example.org")
			.scopes(Set.of("payments:charge"))
			.issuedTokenJti("jti-1")
			.issuedTokenSha256("aXNzdWVk")
			.expiresAt(TIME.plusSeconds(300))
			.latency(Duration.ofNanos(1_234_999))
			.build();

		assertThat(event.toJson()).isEqualTo("{\"time\":\"2026-11-22T10:00:00Z\",\"event\":\"token_exchange\","
				+ "\"subject_token_type\":\"urn:ietf:params:oauth:token-type:jwt\",\"subject_token_sha256\":\"c3ViamVjdA\","
				+ "\"requested_target\":\"https://payments.example.org\","
				+ "\"requested_scopes\":[\"payments:charge\",\"payments:refund\"],\"client_id\":\"checkout\","
				+ "\"policy_digest\":\"sha256:0123\",\"subject\":\"spiffe://prod.example.org/checkout\","
				+ "\"trust_source\":\"prod\",\"attributes\":{\"service\":\"checkout\"},"
				+ "\"store\":\"unavailable; carried on without rate limits\",\"outcome\":\"granted\","
				+ "\"grant\":\"checkout-pays\",\"audience\":\"https://payments.example.org\","
				+ "\"scopes\":[\"payments:charge\"],\"issued_token_jti\":\"jti-1\",\"issued_token_sha256\":\"aXNzdWVk\","
				+ "\"expires_at\":\"2026-11-22T10:05:00Z\",\"latency_us\":1234}");
	}

	@Test
	void toJsonWhenReplayRefusedAfterEveryCheckThenTheLineAsEver() {
		AuditEvent event = verified().requestedScopes(List.of("payments:charge"))
			.replay(true)
			.outcome(Outcome.DENIED)
			.error(ErrorCode.INVALID_REQUEST)
			.reason("replay of a one-time \"subject\" token\n")
			.latency(Duration.ZERO)
			.build();

		assertThat(event.toJson()).isEqualTo("{\"time\":\"2026-11-22T10:00:00Z\",\"event\":\"token_exchange\","
				+ "\"subject_token_type\":\"urn:ietf:params:oauth:token-type:jwt\",\"subject_token_sha256\":\"c3ViamVjdA\","
				+ "\"requested_target\":\"https://payments.example.org\",\"requested_scopes\":[\"payments:charge\"],"
				+ "\"client_id\":\"checkout\",\"policy_digest\":\"sha256:0123\","
				+ "\"subject\":\"spiffe://prod.example.org/checkout\",\"trust_source\":\"prod\","
				+ "\"attributes\":{\"service\":\"checkout\"},\"store\":\"unavailable; carried on without rate limits\","
				+ "\"replay\":true,\"outcome\":\"denied\",\"error\":\"invalid_request\","
				+ "\"reason\":\"replay of a one-time \\\"subject\\\" token\\n\",\"latency_us\":0}");
	}

	@Test
	void toJsonWhenRefusedBeforeAnyStepThenOnlyTheOutcome() {
		AuditEvent event = TokenExchangeEvent.begin(TIME)
			.outcome(Outcome.DENIED)
			.error(ErrorCode.INVALID_REQUEST)
			.reason("grant_type is missing")
			.latency(Duration.ofNanos(7_000))
			.build();

		assertThat(event.toJson()).isEqualTo("{\"time\":\"2026-11-22T10:00:00Z\",\"event\":\"token_exchange\","
				+ "\"outcome\":\"denied\",\"error\":\"invalid_request\",\"reason\":\"grant_type is missing\","
				+ "\"latency_us\":7}");
	}

	@Test
	void toJsonWhenNothingRecordedThenTimeAndEventOnly() {
		assertThat(TokenExchangeEvent.begin(TIME).build().toJson())
			.isEqualTo("{\"time\":\"2026-11-22T10:00:00Z\",\"event\":\"token_exchange\"}");
	}

	@Test
	void toJsonWhenNoScopesThenRequestedScopesAndAttributesLeftOutAndIssuedScopesEmpty() {
		AuditEvent event = TokenExchangeEvent.begin(TIME)
			.requestedScopes(Set.of())
			.attributes(Map.of())
			.outcome(Outcome.GRANTED)
			.scopes(Set.of())
			.latency(Duration.ofNanos(5_000))
			.build();

		assertThat(event.toJson()).isEqualTo("{\"time\":\"2026-11-22T10:00:00Z\",\"event\":\"token_exchange\","
				+ "\"outcome\":\"granted\",\"scopes\":[],\"latency_us\":5}");
	}

	@Test
	void toJsonWhenTransportRefusalThenStageTransportAndNoLatency() {
		AuditEvent event = new TransportRefusalEvent(TIME, ErrorCode.INVALID_CLIENT, "Writ has no client secrets");

		assertThat(event.toJson()).isEqualTo("{\"time\":\"2026-11-22T10:00:00Z\",\"event\":\"token_exchange\","
				+ "\"stage\":\"transport\",\"outcome\":\"denied\",\"error\":\"invalid_client\","
				+ "\"reason\":\"Writ has no client secrets\"}");
	}

	@Test
	void fieldsThenPlainValuesForStructuredLogs() {
		Map<String, Object> fields = verified().replay(true)
			.outcome(Outcome.GRANTED)
			.scopes(Set.of("a"))
			.expiresAt(TIME)
			.latency(Duration.ofMillis(3))
			.build()
			.fields();

		// Structured log encoders write these as they are: an Instant or a Duration would
		// not come out as above.
		assertThat(fields.get("time")).isEqualTo("2026-11-22T10:00:00Z");
		assertThat(fields.get("expires_at")).isEqualTo("2026-11-22T10:00:00Z");
		assertThat(fields.get("latency_us")).isEqualTo(3000L);
		assertThat(fields.get("replay")).isEqualTo(Boolean.TRUE);
		assertThat(fields.get("scopes")).isEqualTo(List.of("a"));
		assertThat(fields.get("attributes")).isEqualTo(Map.of("service", "checkout"));
	}

	@Test
	void latencyThenKeptToTheMicrosecondItIsWrittenWith() {
		TokenExchangeEvent event = TokenExchangeEvent.begin(TIME).latency(Duration.ofNanos(1_234_999)).build();

		assertThat(event.latency()).isEqualTo(Duration.ofNanos(1_234_000));
	}

}
