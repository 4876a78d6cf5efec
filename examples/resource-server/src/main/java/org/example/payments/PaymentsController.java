package org.example.payments;

import java.util.List;
import java.util.Map;

import dev.writ.spring.resourceserver.WritToken;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Two endpoints, two scopes. The caller is the workload Writ vouched for ({@link WritToken#subject()}, the token's
 * {@code sub}); the grant that let it is in the token too.
 */
@RestController
class PaymentsController {

	@GetMapping("/payments")
	Map<String, Object> list(WritToken token) {
		return Map.of("caller", token.subject(), "payments", List.of());
	}

	@PostMapping("/payments/charges")
	Map<String, Object> charge(WritToken token) {
		return Map.of("caller", token.subject(), "charged", true, "grant", String.valueOf(token.grant()));
	}

}
