package dev.writ.web;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.policy.Durations;
import dev.writ.policy.PolicySet;
import dev.writ.policy.PolicyStore;
import dev.writ.policy.rehearsal.ExplanationView;
import dev.writ.policy.rehearsal.Rehearsal;
import dev.writ.audit.LogText;
import dev.writ.error.Failures;

/**
 * {@code POST /admin/explain}: what {@code policy explain} says, against the policies in
 * force. Takes a subject and claims, never a token; answers the decision, the precise
 * reason and every grant's outcome. Off by default.
 */
@RestController
class AdminExplainController {

	private static final Logger logger = LoggerFactory.getLogger(AdminExplainController.class);

	private final PolicyStore policies;

	private final Clock clock;

	// Decided at start, not by a condition on this class: Spring's build-time processing
	// would fix a condition at the build's value. Off, the endpoints' chain does not
	// match
	// the path and it is answered 404 before it gets here; this is the second wall.
	private final boolean on;

	AdminExplainController(PolicyStore policies, Clock clock, @Value("${writ.admin.explain:false}") boolean on) {
		this.policies = policies;
		this.clock = clock;
		this.on = on;
	}

	@PostMapping(path = "/admin/explain", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> explain(@RequestBody ExplainRequest body, Authentication caller) {
		if (!this.on) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND)
				.cacheControl(CacheControl.noStore())
				.body(Map.of("error", OAuth2ErrorResponses.NOT_FOUND, "error_description", "no such endpoint"));
		}
		if (body.subject() == null) {
			return invalid("subject is required");
		}
		Duration expiresIn = (body.expiresIn() == null) ? Duration.ofHours(1)
				: Durations.parse(body.expiresIn()).orElse(null);
		if (expiresIn == null) {
			return invalid("expires_in must be such as 5m");
		}
		PolicySet set = this.policies.current();
		logger.info("Explain by {} for subject {}", LogText.safe(caller.getName()), LogText.safe(body.subject()));
		try {
			Rehearsal.Request.Builder request = Rehearsal.request()
				.subject(body.subject())
				.trust(body.trust())
				.claims((body.claims() != null) ? body.claims() : Map.of())
				.expiresIn(expiresIn)
				.audience(body.audience())
				.resource(body.resource())
				.scope(body.scope());
			Presented presented = body.writToken();
			if (presented != null) {
				if (presented.audience() == null || presented.grant() == null) {
					return invalid("writ_token needs audience and grant");
				}
				request.issued(new Rehearsal.Issued(presented.audience(), presented.grant(),
						new java.util.LinkedHashSet<>((presented.scopes() != null) ? presented.scopes() : List.of()),
						presented.act()));
			}
			if (body.actor() != null) {
				if (body.actor().subject() == null) {
					return invalid("actor.subject is required with actor");
				}
				request.actor(new Rehearsal.Party(body.actor().trust(), body.actor().subject(),
						(body.actor().claims() != null) ? body.actor().claims() : Map.of()));
			}
			if (body.params() != null) {
				body.params().forEach(request::parameter);
			}
			return ResponseEntity.ok(ExplanationView.json(new Rehearsal(set, this.clock).explain(request.build())));
		}
		catch (IllegalArgumentException ex) {
			return invalid(Failures.message(ex));
		}
		catch (ExchangeException ex) {
			return ResponseEntity.status(HttpStatus.OK)
				.body(Map.of("decision", "deny", "error", ex.errorCode().code(), "reason", ex.detail(), "policy_digest",
						set.digest()));
		}
	}

	private static ResponseEntity<Map<String, Object>> invalid(String description) {
		return OAuth2ErrorResponses.entity(ErrorCode.INVALID_REQUEST, description);
	}

	/**
	 * The request body.
	 *
	 * @param subject the subject (required)
	 * @param trust the OIDC entry's name, for an OIDC subject
	 * @param claims further claims of the subject token
	 * @param audience the requested audience
	 * @param resource the requested resource
	 * @param scope the requested scopes, space-delimited
	 * @param params extension parameters
	 * @param expiresIn how long the subject token has left, such as 5m
	 * @param actor who acts for the subject, for a delegated request
	 * @param writToken the Writ token the subject presents, for a further hop of a chain
	 */
	record ExplainRequest(String subject, String trust, Map<String, Object> claims, String audience, String resource,
			String scope, Map<String, String> params, @JsonProperty("expires_in") String expiresIn, Party actor,
			@JsonProperty("writ_token") Presented writToken) {
	}

	/**
	 * A Writ token the subject presents again, for a grant with {@code from_audience}.
	 *
	 * @param audience the audience it was issued for (required with writ_token)
	 * @param grant the grant that issued it (required with writ_token)
	 * @param scopes its scopes
	 * @param act its {@code act} claim
	 */
	record Presented(String audience, String grant, List<String> scopes, Map<String, Object> act) {
	}

	/**
	 * Who acts for the subject, for a delegated request.
	 *
	 * @param subject the actor (required with actor)
	 * @param trust the OIDC entry's name, for an OIDC actor
	 * @param claims further claims of the actor token
	 */
	record Party(String subject, String trust, Map<String, Object> claims) {
	}

}
