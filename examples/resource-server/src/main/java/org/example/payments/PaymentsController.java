package org.example.payments;

import java.util.List;
import java.util.Map;

import dev.writ.spring.resourceserver.WritToken;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Two endpoints, two scopes. The caller is the workload Writ vouched for ({@link WritToken#subject()}, the token's
 * {@code sub}); the grant that let it is in the token too, and for a delegated token who acts for the caller.
 */
@RestController
class PaymentsController {

	@GetMapping("/payments")
	Map<String, Object> list(WritToken token) {
		// A delegated token is the subject's, but whoever acts for it made the call: act (RFC 8693 §4.1), the
		// nearest actor first. Log and authorise with both.
		return Map.of("caller", token.subject(), "acting", token.actorChain(), "payments", List.of());
	}

	@PostMapping("/payments/charges")
	Map<String, Object> charge(WritToken token) {
		return Map.of("caller", token.subject(), "charged", true, "grant", String.valueOf(token.grant()));
	}

}
