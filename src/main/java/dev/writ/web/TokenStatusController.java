package dev.writ.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.writ.audit.LogText;
import dev.writ.error.ErrorCode;
import dev.writ.store.StoreUnavailableException;
import dev.writ.token.TokenStatus;

/**
 * RFC 7662 introspection and RFC 7009 revocation of Writ's tokens, and admin revocation
 * of every token issued to a subject or under a grant. Who may call what is in
 * {@link ProtectedEndpointsConfiguration}.
 */
@RestController
class TokenStatusController {

	private static final Logger logger = LoggerFactory.getLogger(TokenStatusController.class);

	private final TokenStatus status;

	private final MeterRegistry meters;

	TokenStatusController(TokenStatus status, MeterRegistry meters) {
		this.status = status;
		this.meters = meters;
	}

	private void count(String kind) {
		this.meters.counter("writ.revocations", "kind", kind).increment();
	}

	/**
	 * RFC 7662 §2.1: {@code token} (required), {@code token_type_hint} (ignored: Writ has
	 * one kind of token).
	 */
	@PostMapping(path = "/oauth2/introspect", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
	ResponseEntity<Map<String, Object>> introspect(@RequestBody MultiValueMap<String, String> form,
			HttpServletRequest request) {
		Optional<ResponseEntity<Map<String, Object>>> refused = refusedForm(form, request);
		if (refused.isPresent()) {
			return refused.get();
		}
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(this.status.introspect(form.getFirst("token")));
	}

	/**
	 * RFC 7009 §2.1: {@code token}; §2.2: 200 whether or not it was a token to revoke.
	 */
	@PostMapping(path = "/oauth2/revoke", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
	ResponseEntity<Map<String, Object>> revoke(@RequestBody MultiValueMap<String, String> form,
			HttpServletRequest request) {
		Optional<ResponseEntity<Map<String, Object>>> refused = refusedForm(form, request);
		if (refused.isPresent()) {
			return refused.get();
		}
		if (this.status.revoke(form.getFirst("token"))) {
			count("token");
		}
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).build();
	}

	// RFC 7662 §2.1, RFC 7009 §2.1: the token in the form body, once. Spring's form
	// reader merges the query string
	// into the form, where a token would reach access logs: any query string is refused.
	private static Optional<ResponseEntity<Map<String, Object>>> refusedForm(MultiValueMap<String, String> form,
			HttpServletRequest request) {
		if (request.getQueryString() != null) {
			return Optional.of(OAuth2ErrorResponses.entity(ErrorCode.INVALID_REQUEST,
					"parameters must be sent in the request body, not the query string"));
		}
		if (form.get("token") == null || form.get("token").size() != 1) {
			return Optional.of(OAuth2ErrorResponses.entity(ErrorCode.INVALID_REQUEST, "token must be sent once"));
		}
		return Optional.empty();
	}

	/**
	 * {@code {"subject": "..."}} or {@code {"grant": "..."}}: revokes every token issued
	 * to it until now.
	 */
	@PostMapping(path = "/admin/revocations", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> revokeAll(@RequestBody Map<String, String> body, Authentication caller) {
		String subject = body.get("subject");
		String grant = body.get("grant");
		if ((subject == null) == (grant == null)) {
			return OAuth2ErrorResponses.entity(ErrorCode.INVALID_REQUEST, "send exactly one of subject and grant");
		}
		Instant until = (subject != null) ? this.status.revokeSubject(subject) : this.status.revokeGrant(grant);
		count((subject != null) ? "subject" : "grant");
		logger.warn("Revoked every token issued until {} {} by {}", until,
				LogText.safe((subject != null) ? "to subject " + subject : "under grant " + grant),
				LogText.safe(caller.getName()));
		Map<String, Object> response = new LinkedHashMap<>();
		response.put((subject != null) ? "subject" : "grant", (subject != null) ? subject : grant);
		response.put("revoked_issued_until", until.getEpochSecond());
		return ResponseEntity.ok(response);
	}

	// Fail closed: never "active" when revocations cannot be checked (RFC 7009 §2.2.1
	// suggests 503 with Retry-After).
	@ExceptionHandler(StoreUnavailableException.class)
	ResponseEntity<Map<String, Object>> unavailable(StoreUnavailableException ex) {
		logger.warn("Token status unavailable: {}", LogText.safe(ex.getMessage()));
		return OAuth2ErrorResponses.entity(ErrorCode.TEMPORARILY_UNAVAILABLE, "retry later", 1);
	}

}
