package dev.writ.audit;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The one place audit events are written out: each kind's fields, by name, in a fixed
 * order, with what is null left out. Names and formats are the audit log's contract with
 * whoever reads it: instants in ISO-8601, error codes as sent to the client, latency in
 * whole microseconds as {@code latency_us}.
 */
final class AuditFields {

	/**
	 * The field naming what kind of event it is; every event has it, right after
	 * {@code time}.
	 */
	static final String EVENT = "event";

	/**
	 * What {@link TokenExchangeEvent#carriedOnWithoutStore()} is written as, under
	 * {@code store}.
	 */
	private static final String STORE_UNAVAILABLE = "unavailable; carried on without rate limits";

	private final Map<String, Object> fields = new LinkedHashMap<>();

	private AuditFields(AuditEvent event) {
		put("time", event.time().toString());
		// A transport refusal is a token exchange that stopped at its first stage.
		put(EVENT, "token_exchange");
	}

	/** The fields of {@code event}, in order. */
	static Map<String, Object> of(AuditEvent event) {
		AuditFields fields = new AuditFields(event);
		switch (event) {
			case TokenExchangeEvent exchange -> fields.exchange(exchange);
			case TransportRefusalEvent refusal -> fields.transport(refusal);
		}
		return Collections.unmodifiableMap(fields.fields);
	}

	// The order is the order the exchange learns things in: request, policy, subject,
	// guards, then its outcome.
	private void exchange(TokenExchangeEvent event) {
		put("subject_token_type", event.subjectTokenType());
		put("subject_token_sha256", event.subjectTokenSha256());
		put("requested_target", event.requestedTarget());
		put("requested_scopes", event.requestedScopes());
		put("client_id", event.clientId());
		put("policy_digest", event.policyDigest());
		put("subject", event.subject());
		put("trust_source", event.trustSource());
		put("attributes", event.attributes());
		put("actor_token_sha256", event.actorTokenSha256());
		put("actor", event.actor());
		put("actor_source", event.actorSource());
		put("derived_from", event.derivedFrom());
		put("chain_depth", event.chainDepth());
		put("bound_to", event.boundTo());
		put("dpop_key", event.dpopKey());
		put("client_certificate", event.clientCertificate());
		put("store", event.carriedOnWithoutStore() ? STORE_UNAVAILABLE : null);
		put("replay", event.replay());
		put("outcome", (event.outcome() != null) ? event.outcome().value() : null);
		put("grant", event.grant());
		put("audience", event.audience());
		put("scopes", event.scopes());
		put("issued_token_jti", event.issuedTokenJti());
		put("issued_token_sha256", event.issuedTokenSha256());
		put("expires_at", (event.expiresAt() != null) ? event.expiresAt().toString() : null);
		put("lease_id", (event.credential() != null) ? event.credential().leaseId() : null);
		put("credential_username", (event.credential() != null) ? event.credential().username() : null);
		put("error", (event.error() != null) ? event.error().code() : null);
		put("reason", event.reason());
		put("latency_us", (event.latency() != null) ? micros(event.latency()) : null);
	}

	private void transport(TransportRefusalEvent event) {
		put("stage", "transport");
		put("outcome", event.outcome().value());
		put("error", event.error().code());
		put("reason", event.reason());
	}

	private void put(String name, @Nullable Object value) {
		if (value != null) {
			this.fields.put(name, value);
		}
	}

	private static Long micros(Duration latency) {
		return latency.toNanos() / 1000;
	}

}
